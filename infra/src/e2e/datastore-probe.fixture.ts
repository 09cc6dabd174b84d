// What the worker left in Datastore, read (and for some scenarios seeded) by the end-to-end tests
// through the test's own client (not built, not a test file itself).
import { decodeBatch, eventId, parseEvent, type SessionEvent } from '@gaesession/events';
import {
  DEFAULT_EVENT_LOG_KIND,
  DEFAULT_SESSION_KIND,
  DeadLetterStore,
  SESSION_UNINDEXED,
  sessionProperties,
  type DeadLetter,
} from '@gaesession/persistence';
import { destroyEvent, eventually, liveEvent, newKey, type TestDatastore } from '@gaesession/testkit';

/** A `Session` entity as stored (see libs/persistence/src/model.ts), or a corrupt one. */
export interface StoredEntity {
  readonly version: unknown;
  readonly tombstone: unknown;
  readonly expiresAt: unknown;
  readonly updatedAt: unknown;
  readonly data?: unknown;
}

/** The session entity of `key`, as the Datastore client returns it; undefined when there is none. */
export async function storedSession(store: TestDatastore, key: string): Promise<StoredEntity | undefined> {
  const { datastore, namespace } = store;
  const [entity] = (await datastore.get(datastore.key({ namespace, path: [DEFAULT_SESSION_KIND, key] }))) as [
    StoredEntity | undefined,
  ];
  return entity;
}

/** The attributes a live session entity holds. */
export function storedAttrs(entity: StoredEntity | undefined): Record<string, unknown> {
  if (typeof entity?.data !== 'string') throw new Error(`not a live session entity: ${JSON.stringify(entity)}`);
  return (JSON.parse(entity.data) as { attrs: Record<string, unknown> }).attrs;
}

/** Waits until Datastore holds `version` (or newer) of session `key`, and returns the entity. */
export function durable(store: TestDatastore, key: string, version: number, timeoutMs = 20_000): Promise<StoredEntity> {
  return eventually(
    async () => {
      const entity = await storedSession(store, key);
      return typeof entity?.version === 'number' && entity.version >= version ? entity : undefined;
    },
    { timeoutMs, intervalMs: 100, what: `Datastore to hold version ${version} of session ${key}` },
  );
}

/**
 * The event the worker applied for `key` at `version`, from its event log (the apps run with
 * EVENT_LOG_RETENTION_MS): exactly what the web app published.
 */
export function loggedEvent(store: TestDatastore, key: string, version: number): Promise<SessionEvent> {
  const { datastore, namespace } = store;
  const id = eventId(key, version);
  return eventually(
    async () => {
      const [entity] = (await datastore.get(datastore.key({ namespace, path: [DEFAULT_EVENT_LOG_KIND, id] }))) as [
        { payload?: Buffer } | undefined,
      ];
      if (entity?.payload === undefined) return undefined;
      const [event] = decodeBatch(entity.payload).map(parseEvent);
      return event;
    },
    { timeoutMs: 10_000, intervalMs: 100, what: `event ${id} in the event log` },
  );
}

/** Replaces the entity of `key` with one the repository cannot read: every event of `key` then fails to apply. */
export async function corruptSession(store: TestDatastore, key: string): Promise<void> {
  const { datastore, namespace } = store;
  await datastore.upsert({
    key: datastore.key({ namespace, path: [DEFAULT_SESSION_KIND, key] }),
    data: { version: 'not a number', expiresAt: new Date(Date.now() + 3_600_000), tombstone: false },
    excludeFromIndexes: [...SESSION_UNINDEXED],
  });
}

/**
 * Stores two sessions that expired `agoMs` ago, the way the worker stores them: a live one and a
 * tombstone. Returns their keys. (The worker itself refuses to write already-expired state.)
 */
export async function seedExpiredSessions(store: TestDatastore, agoMs: number): Promise<string[]> {
  const { datastore, namespace } = store;
  const shape = { at: Date.now() - agoMs - 60_000, timeout: 60_000 };
  const events = [liveEvent(newKey(), 1, {}, shape), destroyEvent(newKey(), 2, shape)];
  await datastore.upsert(
    events.map((event) => ({
      key: datastore.key({ namespace, path: [DEFAULT_SESSION_KIND, event.key] }),
      data: { ...sessionProperties(event) },
      excludeFromIndexes: [...SESSION_UNINDEXED],
    })),
  );
  return events.map((event) => event.key);
}

/** The dead letters of the test's namespace, newest first. */
export function deadLetters(store: TestDatastore): Promise<DeadLetter[]> {
  return new DeadLetterStore({ datastore: store.datastore, namespace: store.namespace }).list();
}

/** The events a dead letter keeps. */
export function deadEvents(letter: DeadLetter): SessionEvent[] {
  return decodeBatch(letter.payload).map(parseEvent);
}
