import type { SessionEvent, SessionSnapshot } from '@gaesession/events';
import { freezeJson, type JsonObject, type SessionRecord, SessionTooLargeError } from '@gaesession/core';
import { CorruptEntityError } from './errors.js';

/** Default kind of session entities. */
export const DEFAULT_SESSION_KIND = 'Session';

/** Largest entity Datastore stores: 1 MiB - 4 bytes. */
export const MAX_ENTITY_BYTES = 1_048_572;

/** Largest unindexed property value Datastore stores: 1 MiB - 89 bytes. */
export const MAX_UNINDEXED_VALUE_BYTES = 1_048_487;

/**
 * Properties of a `Session` entity (key name = session key hash). Only `expiresAt` (the purge
 * queries it) and `principal` (a user's sessions are listed by it) are indexed: every indexed
 * property costs index writes. `expiresAt` is a timestamp so that a Datastore TTL policy can use it
 * as a backstop.
 */
export interface SessionProperties {
  /** Version of the state held: the newest applied event, or the destroying event for a tombstone. */
  readonly version: number;
  /** When the session (or the tombstone) expires. */
  readonly expiresAt: Date;
  /** True for a destroyed session: nothing ever overwrites it; the purge removes it after `expiresAt`. */
  readonly tombstone: boolean;
  /** The snapshot (created, accessed, timeout, constants, attrs) as JSON; absent on a tombstone. */
  readonly data?: string;
  /**
   * The user the session belongs to, when it has one; indexed. A tombstone has none, so an ended
   * session leaves a user's list at once, and the purge removes expired ones from the index.
   */
  readonly principal?: string;
  /** When the change that produced this state happened (the event's `occurredAt`). */
  readonly updatedAt: Date;
}

/** Every property but `expiresAt` and `principal`, excluded from the built-in indexes. */
export const SESSION_UNINDEXED: readonly string[] = ['version', 'tombstone', 'data', 'updatedAt'];

/** What a stored `Session` entity says about its key. */
export type StoredSession =
  | { readonly tombstone: true; readonly version: number; readonly expiresAt: number }
  | {
      readonly tombstone: false;
      readonly version: number;
      readonly expiresAt: number;
      readonly data: string;
      readonly principal: string | undefined;
    };

/** The JSON held in `data`: the snapshot, fields in a fixed order. */
export function snapshotData(snapshot: SessionSnapshot): string {
  const { created, accessed, timeout, constants, attrs } = snapshot;
  return JSON.stringify({ created, accessed, timeout, constants, attrs });
}

/** The entity properties for the state an event leaves behind (a tombstone for `destroyed`). */
export function sessionProperties(event: SessionEvent): SessionProperties {
  const common = {
    version: event.version,
    expiresAt: new Date(event.expiresAt),
    updatedAt: new Date(event.occurredAt),
  };
  if (event.snapshot === null) return { ...common, tombstone: true };
  const { principal } = event.snapshot;
  return {
    ...common,
    tombstone: false,
    data: snapshotData(event.snapshot),
    ...(principal === undefined ? {} : { principal }),
  };
}

/** Reads the decision-relevant part of a stored entity; throws {@link CorruptEntityError}. */
export function readStoredSession(key: string, value: unknown): StoredSession {
  const what = `Session entity ${key}`;
  if (typeof value !== 'object' || value === null) throw new CorruptEntityError(what, 'not an entity');
  const { version, expiresAt, tombstone, data, principal } = value as Record<string, unknown>;
  if (typeof version !== 'number' || !Number.isSafeInteger(version)) {
    throw new CorruptEntityError(what, 'version is not an integer');
  }
  if (!(expiresAt instanceof Date)) throw new CorruptEntityError(what, 'expiresAt is not a timestamp');
  if (tombstone === true) return { tombstone: true, version, expiresAt: expiresAt.getTime() };
  if (typeof data !== 'string') throw new CorruptEntityError(what, 'data is missing');
  const owner = typeof principal === 'string' && principal !== '' ? principal : undefined;
  return { tombstone: false, version, expiresAt: expiresAt.getTime(), data, principal: owner };
}

/** The session record a live entity holds; throws {@link CorruptEntityError}. */
export function recordFromData(key: string, stored: Extract<StoredSession, { tombstone: false }>): SessionRecord {
  const { version, data, principal } = stored;
  const what = `Session entity ${key}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    throw new CorruptEntityError(what, 'data is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new CorruptEntityError(what, 'data is not an object');
  const { created, accessed, timeout, constants, attrs } = parsed as Record<string, unknown>;
  if (typeof created !== 'number' || typeof accessed !== 'number' || typeof timeout !== 'number') {
    throw new CorruptEntityError(what, 'data lacks created/accessed/timeout');
  }
  if (!isObject(constants) || !isObject(attrs)) throw new CorruptEntityError(what, 'data lacks constants/attrs');
  const owner = principal === undefined ? {} : { principal };
  return {
    key,
    version,
    created,
    accessed,
    timeout,
    ...owner,
    constants: freezeJson(constants),
    attrs: freezeJson(attrs),
  };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where an entity lives, for its size: the key counts toward the 1 MiB. */
export interface EntityPlace {
  /** Kind of the session entities. @defaultValue 'Session' */
  kind?: string;
  /** Datastore namespace; the default namespace costs nothing. @defaultValue '' */
  namespace?: string;
}

/** Datastore's string size: UTF-8 bytes + 1. */
function stringSize(text: string): number {
  return Buffer.byteLength(text, 'utf8') + 1;
}

/** Size of an integer or timestamp value. */
const NUMBER = 8;
const BOOLEAN = 1;

/**
 * Size of the live `Session` entity with key name `key` and snapshot JSON `data`, by Datastore's
 * storage-size rules: key (namespace, kind, name, 16) + each property (name + value) + 32.
 */
function entitySize(key: string, data: string, principal: string | undefined, place: EntityPlace): number {
  const keySize =
    (place.namespace ? stringSize(place.namespace) : 0) +
    stringSize(place.kind ?? DEFAULT_SESSION_KIND) +
    stringSize(key) +
    16;
  const numbers = ['version', 'expiresAt', 'updatedAt'].reduce((sum, name) => sum + stringSize(name) + NUMBER, 0);
  const owner = principal === undefined ? 0 : stringSize('principal') + stringSize(principal);
  const properties = numbers + stringSize('tombstone') + BOOLEAN + stringSize('data') + stringSize(data) + owner;
  return keySize + properties + 32;
}

/**
 * Throws {@link SessionTooLargeError} when `record` would not fit in one Datastore entity (1 MiB,
 * and its snapshot in one unindexed property). Stores call it before they acknowledge a write, so
 * an oversized session fails at save time instead of in the worker.
 */
export function assertFitsEntity(record: SessionRecord, place: EntityPlace = {}): void {
  const data = snapshotData(record);
  const dataSize = stringSize(data);
  if (dataSize > MAX_UNINDEXED_VALUE_BYTES) {
    throw new SessionTooLargeError('the session snapshot (Datastore property)', dataSize, MAX_UNINDEXED_VALUE_BYTES);
  }
  const size = entitySize(record.key, data, record.principal, place);
  if (size > MAX_ENTITY_BYTES) throw new SessionTooLargeError('the session (Datastore entity)', size, MAX_ENTITY_BYTES);
}
