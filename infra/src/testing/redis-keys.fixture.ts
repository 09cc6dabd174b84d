// Removes a test's keys from the shared Redis servers: its BullMQ queue's, and its Valkey cache
// entries (not built, not a test file itself).
import { services } from '@gaesession/testkit';
import { deleteKeys, redisAddress } from './redis-cli.fixture.js';

/** A unique test name (letters, digits, dashes and colons only), checked before it becomes a key pattern. */
function checkedName(name: string): string {
  if (!/^[A-Za-z0-9:-]+$/.test(name)) throw new Error(`refusing to delete the keys of "${name}"`);
  return name;
}

/**
 * Deletes every BullMQ key of `queueName` and of queues named after it (`<name>-purge`), with
 * redis-cli: the apps' queue clients live in other processes. Returns how many keys it deleted.
 * `queueName` must be a unique test name.
 */
export function deleteQueueKeys(queueName: string, prefix = 'bull'): number {
  return deleteKeys(services.redis, `${prefix}:${checkedName(queueName)}*`);
}

/**
 * Deletes every key under `keyPrefix` (a unique test name) from the shared Valkey cache, where
 * they would otherwise live as long as their sessions. Returns how many keys it deleted.
 */
export function deleteValkeyKeys(keyPrefix: string): number {
  return deleteKeys(redisAddress(new URL(services.valkey).host), `${checkedName(keyPrefix)}*`);
}
