import { destroyedEvent, eventId, type SessionEvent } from '@gaesession/events';
import { type JsonObject, newToken, sessionKey } from '@gaesession/core';

/** A fresh session key (hash of a fresh token), as the store makes them. */
export function newKey(): string {
  return sessionKey(newToken());
}

export interface EventShape {
  /** When it happened, ms. @defaultValue Date.now() */
  at?: number;
  /** Idle timeout, ms. @defaultValue one hour */
  timeout?: number;
}

/** A live event of `key` at `version`, with `attrs` as its snapshot. */
export function liveEvent(key: string, version: number, attrs: JsonObject, shape: EventShape = {}): SessionEvent {
  const at = shape.at ?? Date.now();
  const timeout = shape.timeout ?? 3_600_000;
  return {
    v: 1,
    id: eventId(key, version),
    type: version === 1 ? 'created' : 'updated',
    key,
    version,
    ops: [],
    snapshot: { created: at, accessed: at, timeout, constants: {}, attrs },
    occurredAt: at,
    expiresAt: at + timeout,
  };
}

/** The destroying event of `key` at `version`; its tombstone lives an hour unless told. */
export function destroyEvent(key: string, version: number, shape: EventShape = {}): SessionEvent {
  const at = shape.at ?? Date.now();
  return destroyedEvent(key, version, at + (shape.timeout ?? 3_600_000), at);
}
