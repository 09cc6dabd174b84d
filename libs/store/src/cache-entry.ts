import type { SessionRecord } from '@gaesession/core';

/** What the cache holds under a session key: the record, or a tombstone left by destroy. */
export type CacheEntry = { readonly record: SessionRecord } | { readonly tombstone: true };

const TOMBSTONE = Buffer.from('{"tombstone":true}');

export function encodeRecord(record: SessionRecord): Buffer {
  return Buffer.from(JSON.stringify(record));
}

export function encodeTombstone(): Buffer {
  return TOMBSTONE;
}

/** Decodes a cache value; anything unreadable counts as a miss rather than an error page. */
export function decodeEntry(value: Buffer): CacheEntry | undefined {
  try {
    const parsed = JSON.parse(value.toString('utf8')) as Partial<SessionRecord> & { tombstone?: boolean };
    if (parsed.tombstone === true) return { tombstone: true };
    if (typeof parsed.key !== 'string' || typeof parsed.version !== 'number') return undefined;
    return { record: parsed as SessionRecord };
  } catch {
    return undefined;
  }
}

/** Cache expiry for a record: its remaining sliding timeout, in whole seconds (at least 1). */
export function ttlSeconds(expiresAtMs: number, now: number): number {
  return Math.max(1, Math.ceil((expiresAtMs - now) / 1000));
}
