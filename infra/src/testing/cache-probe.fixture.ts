// Reads a session straight from the apps' cache, memcached or Valkey, past the apps: proof that
// they keep it where the test put them (not built, not a test file itself).
import type { RunningApps } from './apps.fixture.js';
import { memcachedSession } from './memcached-text.fixture.js';
import { redisAddress, redisCli } from './redis-cli.fixture.js';

/**
 * The version the apps' cache holds for session `id` (its key, a hash of the token); undefined
 * when the cache holds no record of it (a miss or a tombstone).
 */
export async function cachedVersion(
  apps: Pick<RunningApps, 'cache' | 'cacheKeyPrefix'>,
  id: string,
): Promise<number | undefined> {
  const key = apps.cacheKeyPrefix + id;
  if (!/^[A-Za-z0-9:_-]+$/.test(key)) throw new Error(`unexpected cache key ${key}`);
  if (apps.cache.kind === 'valkey') {
    // The session hash's `v` field (libs/cache/src/valkey-hash.ts).
    const version = redisCli(redisAddress(apps.cache.address), ['--raw', 'HGET', key, 'v']).toString().trim();
    return version === '' ? undefined : Number(version);
  }
  const answer = await memcachedSession(apps.cache.address, (command) => command(`get ${key}`));
  const text = answer.toString('utf8');
  if (!text.startsWith('VALUE ')) return undefined;
  const json = text.slice(text.indexOf('\r\n') + 2, text.lastIndexOf('\r\nEND\r\n'));
  const record = JSON.parse(json) as { version?: unknown };
  return typeof record.version === 'number' ? record.version : undefined;
}
