import { decodeBatch, encodeEvents, parseEvent, type SessionEvent } from '@gaesession/events';
import { CorruptEntityError } from './errors.js';
import { MAX_UNINDEXED_VALUE_BYTES } from './model.js';

/** Default kind of event-log entities. */
export const DEFAULT_EVENT_LOG_KIND = 'SessionEvent';

/** Default time a logged event is kept: 7 days, in ms. */
export const DEFAULT_EVENT_LOG_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** Keep every applied event as an entity (key name = event id), for audit and {@link rebuildFromEventLog}. */
export interface EventLogOptions {
  /** Kind of the event entities. @defaultValue 'SessionEvent' */
  kind?: string;
  /** How long an event is kept after it occurred, in ms; the purge removes it afterwards. @defaultValue 604800000 (7 days) */
  retentionMs?: number;
}

/**
 * Properties of an event-log entity. Only `expiresAt` is indexed (the purge queries it).
 * `payload` is the event encoded like a queue payload (JSON, gzipped when large).
 */
export interface EventLogProperties {
  readonly sessionKey: string;
  readonly version: number;
  readonly type: string;
  readonly occurredAt: Date;
  readonly expiresAt: Date;
  readonly payload: Buffer;
  /**
   * True when the event's operations were dropped to fit the entity limit; the snapshot (all a
   * rebuild needs) is always kept.
   */
  readonly opsOmitted: boolean;
}

export const EVENT_LOG_UNINDEXED: readonly string[] = [
  'sessionKey',
  'version',
  'type',
  'occurredAt',
  'payload',
  'opsOmitted',
];

/** Room left in the entity for the key and the other properties. */
const PAYLOAD_LIMIT = MAX_UNINDEXED_VALUE_BYTES - 1024;

/**
 * The log entity for `event`, or undefined when even its snapshot alone does not fit in an entity
 * (a session that big also fails `assertFitsEntity`, so stores refuse it before it gets here).
 */
export function eventLogProperties(event: SessionEvent, retentionMs: number): EventLogProperties | undefined {
  let payload = encodeEvents([event], { compressAbove: 1024 });
  let opsOmitted = false;
  if (payload.length > PAYLOAD_LIMIT && event.ops.length > 0) {
    payload = encodeEvents([{ ...event, ops: [] }], { compressAbove: 1024 });
    opsOmitted = true;
  }
  if (payload.length > PAYLOAD_LIMIT) return undefined;
  return {
    sessionKey: event.key,
    version: event.version,
    type: event.type,
    occurredAt: new Date(event.occurredAt),
    expiresAt: new Date(event.occurredAt + retentionMs),
    payload,
    opsOmitted,
  };
}

/** The event held by a log entity; throws {@link CorruptEntityError} when it does not decode. */
export function eventFromLogEntity(name: string, value: unknown): SessionEvent {
  const payload = (value as { payload?: unknown } | null)?.payload;
  if (!Buffer.isBuffer(payload)) throw new CorruptEntityError(`event-log entity ${name}`, 'payload is missing');
  try {
    const [event, ...rest] = decodeBatch(payload).map(parseEvent);
    if (event === undefined || rest.length > 0) throw new Error('payload must hold exactly one event');
    return event;
  } catch (error) {
    throw new CorruptEntityError(`event-log entity ${name}`, (error as Error).message);
  }
}
