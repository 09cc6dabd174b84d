// Shared by the integration suites of this package (not built, not a test file itself).
import { Datastore, type Key } from '@google-cloud/datastore';
import { destroyedEvent, eventId, type SessionEvent } from '@gaesession/events';
import { newToken, sessionKey, type JsonObject } from '@gaesession/session';
import { services, uniqueName } from '@gaesession/testkit';
import { keyOfEntity } from './keys.js';

export interface TestDatastore {
  readonly datastore: Datastore;
  /** A namespace no other test uses. */
  readonly namespace: string;
  /** Every entity of the namespace, by kind and key name, as the client returns them. */
  dump(kind: string): Promise<Map<string, Record<string, unknown>>>;
  /** Deletes every entity of the namespace and closes the client. */
  close(): Promise<void>;
}

export function datastoreClient(apiEndpoint = `http://${services.datastore.emulatorHost}`): Datastore {
  return new Datastore({ projectId: services.datastore.projectId, apiEndpoint });
}

export function testDatastore(label: string): TestDatastore {
  const datastore = datastoreClient();
  const namespace = uniqueName(label);
  return {
    datastore,
    namespace,
    async dump(kind) {
      const [entities] = await datastore.runQuery(datastore.createQuery(namespace, kind));
      const found: unknown[] = entities;
      return new Map(
        found.map((entity) => [keyOfEntity(entity).name ?? '', { ...(entity as Record<string, unknown>) }]),
      );
    },
    async close() {
      const [entities] = await datastore.runQuery(datastore.createQuery(namespace, []).select('__key__'));
      const keys: Key[] = (entities as unknown[]).map(keyOfEntity);
      const chunks = Array.from({ length: Math.ceil(keys.length / 500) }, (_, i) => keys.slice(i * 500, i * 500 + 500));
      await Promise.all(chunks.map((chunk) => datastore.delete(chunk)));
      await closeDatastore(datastore);
    },
  };
}

/** Closes the gRPC channels of a client (the Datastore class itself has no close()). */
export async function closeDatastore(datastore: Datastore): Promise<void> {
  // Internal field: the gapic clients the Datastore created lazily, each with a close().
  const clients = (datastore as unknown as { clients_: Map<string, { close(): Promise<void> }> }).clients_;
  await Promise.all([...clients.values()].map((client) => client.close()));
}

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
