// What a test's apps left in their cache, memcached or Valkey, for the at-rest search; and the
// cache's side of the canary and of a lost entry (not built, not a test file itself).
import { setTimeout as sleep } from 'node:timers/promises';
import type { CacheChoice } from '../testing/cache-choice.fixture.js';
import { memcachedSession } from '../testing/memcached-text.fixture.js';
import { redisAddress, redisCli } from '../testing/redis-cli.fixture.js';
import { redisItems, type Stored } from './stored.fixture.js';

/** Every memcached item whose key starts with `prefix` (`lru_crawler metadump all`, then `get`). */
function memcachedItems(address: string, prefix: string): Promise<Stored[]> {
  return memcachedSession(address, async (command) => {
    let dump = (await command('lru_crawler metadump all')).toString('latin1');
    // One crawl at a time per server: wait for another client's to finish.
    for (let tries = 0; dump.startsWith('BUSY') && tries < 50; tries++) {
      await sleep(100);
      dump = (await command('lru_crawler metadump all')).toString('latin1');
    }
    if (!dump.endsWith('END\r\n')) throw new Error(`lru_crawler metadump failed: ${dump.slice(0, 200)}`);
    const keys = [...dump.matchAll(/^key=(\S+)/gm)]
      .map((match) => decodeURIComponent(match[1] ?? ''))
      .filter((key) => key.startsWith(prefix));
    const items: Stored[] = [];
    for (const key of keys) {
      const raw = await command(`get ${key}`);
      const header = raw.indexOf('\r\n');
      // An item may have expired between the dump and the get: then there is no VALUE line.
      if (raw.subarray(0, 6).toString() === 'VALUE ') {
        items.push({ where: `memcached ${key}`, bytes: raw.subarray(header + 2, raw.length - 7) });
      }
      items.push({ where: `memcached key name ${key}`, bytes: Buffer.from(key) });
    }
    return items;
  });
}

/** A key prefix as a SCAN pattern: a unique test name has no glob characters to escape. */
function prefixPattern(prefix: string): string {
  if (!/^[A-Za-z0-9:-]+$/.test(prefix)) throw new Error(`unexpected cache key prefix ${prefix}`);
  return `${prefix}*`;
}

/**
 * Every cache entry whose key starts with `prefix`: memcached items (`memcached <key>`), or Valkey
 * keys and every field and value of their hashes (`valkey hash <key>`), key names included.
 */
export async function cacheItems(cache: CacheChoice, prefix: string): Promise<Stored[]> {
  if (cache.kind === 'memcached') return memcachedItems(cache.address, prefix);
  return redisItems(redisAddress(cache.address), prefixPattern(prefix), 'valkey');
}

/** Deletes one cache entry (a test's own key), as an eviction or a restart would lose it. */
export async function deleteCacheItem(cache: CacheChoice, key: string): Promise<void> {
  if (cache.kind === 'valkey') {
    redisCli(redisAddress(cache.address), ['DEL', key]);
    return;
  }
  await memcachedSession(cache.address, async (command) => {
    const answer = (await command(`delete ${key}`)).toString();
    if (answer !== 'DELETED\r\n' && answer !== 'NOT_FOUND\r\n') throw new Error(`memcached delete: ${answer}`);
  });
}

/** Stores `json` under `key` in the cache, as a session's JSON would be: a memcached item, a Valkey hash field. */
export async function plantCacheCanary(cache: CacheChoice, key: string, json: string): Promise<void> {
  if (cache.kind === 'valkey') {
    const answer = redisCli(redisAddress(cache.address), ['HSET', key, 'a:canary', json]).toString().trim();
    if (answer !== '1') throw new Error(`valkey refused the canary: ${answer}`);
    redisCli(redisAddress(cache.address), ['PEXPIRE', key, '300000']);
    return;
  }
  await memcachedSession(cache.address, async (command) => {
    const stored = await command(`set ${key} 0 300 ${json.length}\r\n${json}`);
    if (stored.toString() !== 'STORED\r\n') throw new Error(`memcached refused the canary: ${stored.toString()}`);
  });
}
