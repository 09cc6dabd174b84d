import { createHash } from 'node:crypto';
import { CorruptEntityError } from './errors.js';
import { MAX_UNINDEXED_VALUE_BYTES } from './model.js';

/** A payload the worker could not apply, kept with the reason so it can be fixed and replayed. */
export interface DeadLetter {
  /** Stable id: SHA-256 of the payload as first recorded, base64url. */
  readonly id: string;
  /** The payload as received (or as fixed with `update`). */
  readonly payload: string;
  /** True when the payload was cut to fit an entity; it cannot be replayed until fixed. */
  readonly truncated: boolean;
  /** The latest failure, in words. */
  readonly error: string;
  /** Stable code of the latest failure, when it had one. */
  readonly code: string | undefined;
  /** Delivery and replay attempts, summed over every failure recorded. */
  readonly attempts: number;
  /** Times a failure of this payload was recorded. */
  readonly failures: number;
  /** Where the latest failure came from (queue, task name...), when given. */
  readonly source: string | undefined;
  readonly firstFailure: Date;
  readonly lastFailure: Date;
}

/** Every property but `lastFailure` (which `list` sorts on), excluded from the built-in indexes. */
export const DEAD_LETTER_UNINDEXED: readonly string[] = [
  'payload',
  'truncated',
  'error',
  'code',
  'attempts',
  'failures',
  'source',
  'firstFailure',
];

/** Room for the payload: the entity limit minus the key, the reason and the other properties. */
const PAYLOAD_LIMIT = MAX_UNINDEXED_VALUE_BYTES - 16 * 1024;
/** Longest reason kept, in characters (at most 4 bytes each). */
const ERROR_LIMIT = 2048;

export function deadLetterId(payload: string): string {
  return createHash('sha256').update(payload).digest('base64url');
}

/** The payload as stored: cut to the entity limit (on a character boundary) when too long. */
export function fitPayload(payload: string): { payload: string; truncated: boolean } {
  if (Buffer.byteLength(payload, 'utf8') <= PAYLOAD_LIMIT) return { payload, truncated: false };
  // Decoding a cut buffer may end in U+FFFD; drop it rather than store half a character.
  const cut = Buffer.from(payload, 'utf8')
    .subarray(0, PAYLOAD_LIMIT)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return { payload: cut, truncated: true };
}

export function fitError(error: string): string {
  return error.length <= ERROR_LIMIT ? error : `${error.slice(0, ERROR_LIMIT)}…`;
}

/** Entity properties of a dead letter (its id is the key name, not a property). */
export function deadLetterProperties(letter: Omit<DeadLetter, 'id'> & { id?: string }): Record<string, unknown> {
  const { payload, truncated, error, code, attempts, failures, source, firstFailure, lastFailure } = letter;
  return {
    payload,
    truncated,
    error,
    code: code ?? null,
    attempts,
    failures,
    source: source ?? null,
    firstFailure,
    lastFailure,
  };
}

export function readDeadLetter(id: string, value: unknown): DeadLetter {
  const what = `dead letter ${id}`;
  if (typeof value !== 'object' || value === null) throw new CorruptEntityError(what, 'not an entity');
  const entity = value as Record<string, unknown>;
  const { payload, truncated, error, code, attempts, failures, source, firstFailure, lastFailure } = entity;
  if (typeof payload !== 'string' || typeof error !== 'string') throw new CorruptEntityError(what, 'payload/error');
  if (typeof attempts !== 'number' || typeof failures !== 'number') throw new CorruptEntityError(what, 'counts');
  if (!(firstFailure instanceof Date) || !(lastFailure instanceof Date)) throw new CorruptEntityError(what, 'dates');
  return {
    id,
    payload,
    truncated: truncated === true,
    error,
    code: typeof code === 'string' ? code : undefined,
    attempts,
    failures,
    source: typeof source === 'string' ? source : undefined,
    firstFailure,
    lastFailure,
  };
}
