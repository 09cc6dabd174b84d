import { InvalidCursorError } from './errors.js';

/** Where an unfinished purge stopped. */
export interface PurgePosition {
  /** The expiry cutoff of the run that started the purge, ms: a resumed run keeps it, so its query (and cursor) stay the same. */
  readonly cutoff: number;
  /** The kind being purged. */
  readonly kind: string;
  /** Query cursor within that kind; undefined at its start. */
  readonly cursor: string | undefined;
}

/** Encodes a position as an opaque, URL-safe token. */
export function encodePurgeCursor(position: PurgePosition): string {
  const { cutoff, kind, cursor } = position;
  return Buffer.from(JSON.stringify({ v: 1, cutoff, kind, cursor })).toString('base64url');
}

/** Decodes a token from {@link encodePurgeCursor}; throws {@link InvalidCursorError}. */
export function decodePurgeCursor(token: string, kinds: readonly string[]): PurgePosition {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('not a purge cursor');
  }
  if (typeof value !== 'object' || value === null) throw new InvalidCursorError('not a purge cursor');
  const { v, cutoff, kind, cursor } = value as Record<string, unknown>;
  if (v !== 1) throw new InvalidCursorError('unknown cursor version');
  if (typeof cutoff !== 'number' || !Number.isFinite(cutoff)) throw new InvalidCursorError('no cutoff');
  if (typeof kind !== 'string' || !kinds.includes(kind)) {
    throw new InvalidCursorError(`kind ${String(kind)} is not one of ${kinds.join(', ')}`);
  }
  if (cursor !== undefined && typeof cursor !== 'string') throw new InvalidCursorError('bad query cursor');
  return { cutoff, kind, cursor };
}
