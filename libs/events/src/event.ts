import {
  currentTrace,
  expiresAt,
  type JsonObject,
  type Op,
  type SessionWrite,
  type TraceContext,
  type WriteKind,
} from '@gaesession/core';

export const EVENT_SCHEMA_VERSION = 1;

/**
 * Version of the event that destroys a session (a logout): above any version a live session can
 * reach, so the tombstone outranks every change event of the session, whenever it arrives.
 */
export const DESTROYED_VERSION = Number.MAX_SAFE_INTEGER;

export type SessionEventType = 'created' | 'updated' | 'touched' | 'destroyed';

/** The session state an event leaves behind (the record without its key and version). */
export interface SessionSnapshot {
  readonly created: number;
  readonly accessed: number;
  readonly timeout: number;
  /** The user the session belongs to; absent when it has none (and in events written before it existed). */
  readonly principal?: string;
  readonly constants: JsonObject;
  readonly attrs: JsonObject;
}

/**
 * Schema v1 of a session change event (see docs/EVENTS.md). Its id is deterministic, so the
 * queue and the worker can both de-duplicate it; the snapshot is the full resulting state, so
 * the newest event alone rebuilds the session.
 */
export interface SessionEvent {
  readonly v: 1;
  /** `<key>.<version>`: deterministic. */
  readonly id: string;
  readonly type: SessionEventType;
  /** Session key (hash of the token). */
  readonly key: string;
  /** Version the change produced. */
  readonly version: number;
  /** The operations of the request that made the change (empty for touched and destroyed). */
  readonly ops: readonly Op[];
  /** Resulting state; null for `destroyed`. */
  readonly snapshot: SessionSnapshot | null;
  /** When the change happened, ms since the epoch. */
  readonly occurredAt: number;
  /** When the session (or, for `destroyed`, its tombstone) expires, ms since the epoch. */
  readonly expiresAt: number;
  /**
   * The trace of the request that made the change (32 hex digits), when it had one: the worker's
   * log lines about the event carry it, so Cloud Logging shows them with the request.
   */
  readonly trace?: string;
}

const TYPE_OF_WRITE: Record<WriteKind, SessionEventType> = {
  create: 'created',
  update: 'updated',
  touch: 'touched',
};

export function eventId(key: string, version: number): string {
  return `${key}.${version}`;
}

/** The event for one landed store write. */
export function eventFromWrite(write: SessionWrite, occurredAt = Date.now()): SessionEvent {
  const { key, version, created, accessed, timeout, principal, constants, attrs } = write.record;
  return {
    v: 1,
    id: eventId(key, version),
    type: TYPE_OF_WRITE[write.kind],
    key,
    version,
    ops: write.ops,
    snapshot: { created, accessed, timeout, ...(principal === undefined ? {} : { principal }), constants, attrs },
    occurredAt,
    expiresAt: expiresAt(write.record),
    ...traceOf(currentTrace()),
  };
}

function traceOf(trace: TraceContext | undefined): { trace?: string } {
  return trace === undefined ? {} : { trace: trace.traceId };
}

/**
 * The event that ends a session. Its tombstone lives until `expiresAt`, long enough to outlast
 * any older event still in the queue.
 */
export function destroyedEvent(
  key: string,
  version: number,
  expiresAtMs: number,
  occurredAt = Date.now(),
): SessionEvent {
  return {
    v: 1,
    id: eventId(key, version),
    type: 'destroyed',
    key,
    version,
    ops: [],
    snapshot: null,
    occurredAt,
    expiresAt: expiresAtMs,
  };
}
