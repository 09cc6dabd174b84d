// Everything a test's apps left at rest — cache entries under its key prefix (cache-at-rest.fixture.ts),
// its BullMQ queue's Redis keys, its Datastore namespace — as byte strings to search, compressed
// payloads inflated (not built, not a test file itself).
import { gunzipSync, gzipSync } from 'node:zlib';
import { services, type TestDatastore } from '@gaesession/testkit';
import type { CacheChoice } from '../testing/cache-choice.fixture.js';
import { redisCli } from '../testing/redis-cli.fixture.js';
import { plantCacheCanary } from './cache-at-rest.fixture.js';
import { redisItems, type Stored } from './stored.fixture.js';

export type { Stored } from './stored.fixture.js';

/**
 * Every Redis key of the BullMQ queue `queueName` (`bull:<name>*`) and everything it holds,
 * whatever its type, read with redis-cli (as the apps fixture cleans up).
 */
export function queueItems(queueName: string): Stored[] {
  if (!/^[A-Za-z0-9-]+$/.test(queueName)) throw new Error(`unexpected queue name ${queueName}`);
  return redisItems(services.redis, `bull:${queueName}*`, 'redis');
}

/** Every entity of the namespace, of every kind: key names and every property value. */
export async function datastoreItems(store: TestDatastore): Promise<Stored[]> {
  const { datastore, namespace } = store;
  const [entities] = await datastore.runQuery(datastore.createQuery(namespace, []));
  const items: Stored[] = [];
  for (const entity of entities as Record<string | symbol, unknown>[]) {
    const key = entity[datastore.KEY] as { kind: string; name?: string; id?: string };
    const where = `datastore ${key.kind}/${key.name ?? key.id ?? '?'}`;
    items.push({ where: `${where} (key name)`, bytes: Buffer.from(key.name ?? '') });
    for (const [property, value] of Object.entries(entity)) {
      for (const bytes of valueBytes(value)) items.push({ where: `${where}.${property}`, bytes });
    }
  }
  return items;
}

function valueBytes(value: unknown): Buffer[] {
  if (typeof value === 'string') return [Buffer.from(value)];
  if (Buffer.isBuffer(value)) return [value];
  if (Array.isArray(value)) return value.flatMap(valueBytes);
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    return Object.values(value).flatMap(valueBytes);
  }
  return [];
}

/**
 * The item as stored plus what it decodes to: a gzip body inflated, and every `gz:<base64>`
 * transport string inside it (BullMQ job data, dead letters) decoded and inflated.
 */
export function decoded(item: Stored): Stored[] {
  const out: Stored[] = [item];
  if (item.bytes[0] === 0x1f && item.bytes[1] === 0x8b) {
    out.push(...decoded({ where: `${item.where} (gunzipped)`, bytes: gunzipSync(item.bytes) }));
  }
  for (const match of item.bytes.toString('latin1').matchAll(/gz:([A-Za-z0-9+/]+=*)/g)) {
    const gzip = Buffer.from(match[1] ?? '', 'base64');
    out.push(...decoded({ where: `${item.where} (gz: payload)`, bytes: gzip }));
  }
  return out;
}

/**
 * Hides `token` the ways a careless change could: as JSON in a cache item, gzipped in a `gz:`
 * payload of a queue key, and as raw bytes in a gzipped Datastore blob. The search must find all three.
 */
export async function plantCanary(
  token: string,
  where: { cache: CacheChoice; cachePrefix: string; queueName: string; store: TestDatastore },
): Promise<void> {
  const json = JSON.stringify({ canary: token });
  await plantCacheCanary(where.cache, `${where.cachePrefix}canary`, json);
  const gz = `gz:${gzipSync(Buffer.from(json)).toString('base64')}`;
  redisCli(services.redis, ['HSET', `bull:${where.queueName}:canary`, 'data', JSON.stringify({ payload: gz })]);
  const { datastore, namespace } = where.store;
  await datastore.save({
    key: datastore.key({ namespace, path: ['Canary', 'c'] }),
    // Compressible company makes deflate Huffman-code the token's bytes: only inflating finds them.
    data: { blob: gzipSync(Buffer.concat([Buffer.alloc(4096, 'x'), Buffer.from(token, 'base64url')])) },
    excludeFromIndexes: ['blob'],
  });
}

/** A secret to look for, under every form it could be kept in. */
export interface Needle {
  readonly what: string;
  readonly forms: readonly Buffer[];
}

/** A cookie token (43 base64url characters): as text, as its raw 32 bytes, and as standard base64. */
export function tokenNeedle(what: string, token: string): Needle {
  const bytes = Buffer.from(token, 'base64url');
  return { what, forms: [Buffer.from(token), bytes, Buffer.from(bytes.toString('base64').replace(/=+$/, ''))] };
}

/** Any other secret string (a signature, a whole cookie value). */
export function textNeedle(what: string, text: string): Needle {
  return { what, forms: [Buffer.from(text)] };
}

/** Every place a needle shows up, as "<what> in <where>". */
export function findNeedles(haystack: readonly Stored[], needles: readonly Needle[]): string[] {
  const found: string[] = [];
  for (const item of haystack.flatMap(decoded)) {
    for (const needle of needles) {
      if (needle.forms.some((form) => item.bytes.includes(form))) found.push(`${needle.what} in ${item.where}`);
    }
  }
  return found;
}
