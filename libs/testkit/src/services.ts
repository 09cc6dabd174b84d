import { randomBytes } from 'node:crypto';

/**
 * Addresses of the local services, as the stack (`npm run stack`) publishes them. Integration
 * tests read these, so a suite can be pointed at other instances through the environment.
 */
export const services = {
  memcached: process.env.MEMCACHED_SERVERS ?? '127.0.0.1:11211',
  /** The Valkey-protocol cache (a redis-server apart from the queue's). */
  valkey: process.env.CACHE_URL ?? 'redis://127.0.0.1:6380',
  redis: {
    host: process.env.REDIS_HOST ?? '127.0.0.1',
    port: Number(process.env.REDIS_PORT ?? 6379),
  },
  datastore: {
    emulatorHost: process.env.DATASTORE_EMULATOR_HOST ?? '127.0.0.1:8081',
    projectId: process.env.GOOGLE_CLOUD_PROJECT ?? 'gaesession-local',
  },
} as const;

/**
 * A name no other test uses: a cache key prefix, a BullMQ queue name or a Datastore namespace.
 * Letters, digits and dashes only, so it is valid in all three.
 */
export function uniqueName(label: string): string {
  return `t-${label}-${randomBytes(6).toString('hex')}`;
}
