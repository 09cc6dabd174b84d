import { MemjsCache } from '@gaesession/cache';
import { Datastore, type Key } from 'datastore9';
import { Redis } from 'ioredis';
import type { Leftovers } from './catalogue.js';
import type { ServiceAddresses } from '../services.js';

/** Keys per Datastore delete call (a commit takes at most 500 mutations). */
const DELETE_BATCH = 500;

/**
 * Deletes what a server left in the shared services (`valkeyUrl`: the Valkey cache); every step
 * runs even if another fails.
 */
export async function removeLeftovers(
  services: ServiceAddresses,
  leftovers: Leftovers,
  valkeyUrl?: string,
): Promise<void> {
  const steps: Promise<unknown>[] = [];
  if (leftovers.redisPatterns.length > 0) steps.push(deleteRedisKeys(services, leftovers.redisPatterns));
  const valkey = leftovers.valkeyPatterns ?? [];
  if (valkey.length > 0 && valkeyUrl !== undefined) steps.push(deleteKeysAt(new Redis(valkeyUrl, LAZY), valkey));
  if (leftovers.memcachedKeys.length > 0) steps.push(deleteMemcachedKeys(services, leftovers.memcachedKeys));
  if (leftovers.datastoreNamespace !== undefined) steps.push(emptyNamespace(services, leftovers.datastoreNamespace));
  const failed = (await Promise.allSettled(steps)).flatMap((outcome) =>
    outcome.status === 'rejected' ? [String(outcome.reason)] : [],
  );
  if (failed.length > 0) throw new Error(`cleanup failed: ${failed.join('; ')}`);
}

const LAZY = { lazyConnect: true, maxRetriesPerRequest: 2 } as const;

/** SCAN + DEL: never KEYS or FLUSH on the shared Redis. Resolves with how many keys went. */
export function deleteRedisKeys(services: ServiceAddresses, patterns: readonly string[]): Promise<number> {
  return deleteKeysAt(new Redis({ ...services.redis, ...LAZY }), patterns);
}

/** SCAN + UNLINK of `patterns` on one (lazily connecting) Redis protocol server, then disconnects. */
async function deleteKeysAt(redis: Redis, patterns: readonly string[]): Promise<number> {
  try {
    await redis.connect();
    let deleted = 0;
    for (const pattern of patterns) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) deleted += await redis.unlink(...keys);
      } while (cursor !== '0');
    }
    return deleted;
  } finally {
    redis.disconnect();
  }
}

export async function deleteMemcachedKeys(services: ServiceAddresses, keys: readonly string[]): Promise<void> {
  const cache = new MemjsCache({ servers: services.memcached, keyPrefix: '' });
  try {
    await Promise.all(keys.map((key) => cache.delete(key)));
  } finally {
    await cache.close();
  }
}

/** Deletes every entity of a Datastore namespace (a kindless keys-only query). Resolves with the count. */
export async function emptyNamespace(services: ServiceAddresses, namespace: string): Promise<number> {
  const datastore = new Datastore({
    projectId: services.projectId,
    apiEndpoint: `http://${services.datastoreEmulator}`,
  });
  try {
    const [entities] = await datastore.runQuery(datastore.createQuery(namespace, []).select('__key__'));
    const keys = (entities as Record<symbol, Key>[]).map((entity) => entity[Datastore.KEY] as Key);
    for (let i = 0; i < keys.length; i += DELETE_BATCH) await datastore.delete(keys.slice(i, i + DELETE_BATCH));
    return keys.length;
  } finally {
    await closeDatastore(datastore);
  }
}

/** The Datastore class has no close(); the gapic clients it created lazily do. */
async function closeDatastore(datastore: Datastore): Promise<void> {
  // Internal field, as in the project's own helpers (libs/testkit).
  const clients = (datastore as unknown as { clients_?: Map<string, { close(): Promise<void> }> }).clients_;
  await Promise.all([...(clients?.values() ?? [])].map((client) => client.close()));
}
