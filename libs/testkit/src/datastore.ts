import { Datastore, type Key } from '@google-cloud/datastore';
import { closeDatastore, createDatastoreClient } from '@gaesession/persistence';
import { services, uniqueName } from './services.js';

export interface TestDatastore {
  readonly datastore: Datastore;
  /** A namespace no other test uses. */
  readonly namespace: string;
  /** Every entity of `kind` in the namespace, by key name, as the client returns them. */
  dump(kind: string): Promise<Map<string, Record<string, unknown>>>;
  /** Deletes every entity of the namespace and closes the client. */
  close(): Promise<void>;
}

export function datastoreClient(emulatorHost: string = services.datastore.emulatorHost): Datastore {
  return createDatastoreClient({ projectId: services.datastore.projectId, emulatorHost });
}

function keyOf(entity: unknown): Key {
  return (entity as Record<symbol, Key>)[Datastore.KEY] as Key;
}

/**
 * Deletes every entity of `namespace`, of every kind, 500 keys a call (Datastore's limit). Refuses
 * the default namespace (`''`): that one belongs to the demo and to anything else sharing the
 * emulator, never to one test.
 */
export async function clearNamespace(datastore: Datastore, namespace: string): Promise<void> {
  if (namespace === '') throw new Error('clearNamespace: refusing to clear the default namespace');
  const [entities] = await datastore.runQuery(datastore.createQuery(namespace, []).select('__key__'));
  const keys: Key[] = (entities as unknown[]).map(keyOf);
  const chunks = Array.from({ length: Math.ceil(keys.length / 500) }, (_, i) => keys.slice(i * 500, i * 500 + 500));
  await Promise.all(chunks.map((chunk) => datastore.delete(chunk)));
}

export interface TestDatastoreOptions {
  /** @defaultValue the shared emulator's address */
  readonly emulatorHost?: string;
  /**
   * Whether `close()` deletes the namespace's entities first. Off for a test's own emulator,
   * which may be down by then and is discarded with everything in it. @defaultValue true
   */
  readonly clearOnClose?: boolean;
}

/** A Datastore client on the emulator with a namespace of its own, cleaned up by `close()`. */
export function testDatastore(label: string, options: TestDatastoreOptions = {}): TestDatastore {
  const datastore = datastoreClient(options.emulatorHost);
  const namespace = uniqueName(label);
  return {
    datastore,
    namespace,
    async dump(kind) {
      const [entities] = await datastore.runQuery(datastore.createQuery(namespace, kind));
      const found: unknown[] = entities;
      return new Map(found.map((entity) => [keyOf(entity).name ?? '', { ...(entity as Record<string, unknown>) }]));
    },
    async close() {
      if (options.clearOnClose ?? true) await clearNamespace(datastore, namespace);
      await closeDatastore(datastore);
    },
  };
}
