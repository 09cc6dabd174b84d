// Everything a test's apps left at rest — memcached values under its key prefix, its BullMQ queue's
// Redis keys, its Datastore namespace — as byte strings to search, compressed payloads inflated
// (not built, not a test file itself).
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { services, type TestDatastore } from '@gaesession/testkit';

/** One stored thing: where it is, and its bytes. */
export interface Stored {
  readonly where: string;
  readonly bytes: Buffer;
}

/** Sends memcached text-protocol commands on one connection and reads each answer to its end. */
async function memcachedSession<T>(use: (command: (line: string) => Promise<Buffer>) => Promise<T>): Promise<T> {
  const [host = '127.0.0.1', port = '11211'] = (services.memcached.split(',')[0] ?? '').split(':');
  const socket = connect(Number(port), host);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve).once('error', reject);
  });
  let buffered = Buffer.alloc(0);
  let waiting: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    waiting?.();
  });
  /** Resolves with an answer once `complete` finds its end, as the answer's length. */
  const answer = (complete: (data: Buffer) => number | undefined) =>
    new Promise<Buffer>((resolve) => {
      const check = () => {
        const length = complete(buffered);
        if (length === undefined) return;
        waiting = undefined;
        const out = buffered.subarray(0, length);
        buffered = buffered.subarray(length);
        resolve(out);
      };
      waiting = check;
      check();
    });
  try {
    return await use((line) => {
      socket.write(`${line}\r\n`);
      if (line.startsWith('get ')) return answer(getAnswerLength);
      if (line.startsWith('lru_crawler')) return answer(endAnswerLength);
      return answer((data) => {
        const lineEnd = data.indexOf('\r\n');
        return lineEnd === -1 ? undefined : lineEnd + 2;
      });
    });
  } finally {
    socket.end();
  }
}

/** Length of an answer ending in "END\r\n" at a line start (metadump), or of a one-line refusal. */
function endAnswerLength(data: Buffer): number | undefined {
  if (data.subarray(0, 5).toString() === 'END\r\n') return 5;
  if (/^(BUSY|ERROR|CLIENT_ERROR|SERVER_ERROR)/.test(data.subarray(0, 12).toString('latin1'))) {
    const lineEnd = data.indexOf('\r\n');
    return lineEnd === -1 ? undefined : lineEnd + 2;
  }
  // metadump ends its lines with a bare "\n", and the dump with "END\r\n".
  const at = data.indexOf('\nEND\r\n');
  return at === -1 ? undefined : at + 6;
}

/** Length of a `get` answer (VALUE lines with byte counts, then END), when it is all there. */
function getAnswerLength(data: Buffer): number | undefined {
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const line = data.subarray(at, lineEnd).toString('latin1');
    if (line === 'END') return lineEnd + 2;
    const bytes = Number(/^VALUE \S+ \d+ (\d+)/.exec(line)?.[1]);
    if (!Number.isInteger(bytes)) throw new Error(`unexpected memcached answer: ${line}`);
    at = lineEnd + 2 + bytes + 2;
    if (at > data.length) return undefined;
  }
}

/** Every memcached item whose key starts with `prefix` (`lru_crawler metadump all`, then `get`). */
export async function cacheItems(prefix: string): Promise<Stored[]> {
  return memcachedSession(async (command) => {
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

/** redis-cli with `commands` on stdin (one a line), its raw output. */
function redisCli(args: readonly string[], commands = ''): Buffer {
  const { host, port } = services.redis;
  const result = spawnSync('redis-cli', ['-h', host, '-p', String(port), ...args], { input: commands });
  if (result.error !== undefined || result.status !== 0) {
    throw new Error(`redis-cli ${args.join(' ')} failed: ${String(result.error ?? result.stderr)}`);
  }
  return result.stdout;
}

const READ_BY_TYPE: Record<string, (key: string) => string> = {
  string: (key) => `GET ${key}`,
  hash: (key) => `HGETALL ${key}`,
  list: (key) => `LRANGE ${key} 0 -1`,
  set: (key) => `SMEMBERS ${key}`,
  zset: (key) => `ZRANGE ${key} 0 -1`,
  stream: (key) => `XRANGE ${key} - +`,
};

/**
 * Every Redis key of the BullMQ queue `queueName` (`bull:<name>*`) and everything it holds,
 * whatever its type, read with redis-cli (as the apps fixture cleans up).
 */
export function queueItems(queueName: string): Stored[] {
  if (!/^[A-Za-z0-9-]+$/.test(queueName)) throw new Error(`unexpected queue name ${queueName}`);
  const keys = redisCli(['--scan', '--pattern', `bull:${queueName}*`])
    .toString()
    .split('\n')
    .filter((key) => key !== '');
  if (keys.length === 0) return [];
  const types = redisCli(['--raw'], keys.map((key) => `TYPE ${key}`).join('\n'))
    .toString()
    .split('\n');
  // One redis-cli for all reads; an ECHO before each marks where its value starts.
  const marker = (i: number) => `@@hostile-value-${i}@@`;
  const script = keys
    .map((key, i) => `ECHO ${marker(i)}\n${READ_BY_TYPE[types[i] ?? 'none']?.(key) ?? 'PING'}`)
    .join('\n');
  const output = redisCli(['--raw'], script);
  return keys.flatMap((key, i) => {
    const start = output.indexOf(marker(i)) + marker(i).length;
    const end = i + 1 < keys.length ? output.indexOf(marker(i + 1)) : output.length;
    return [
      { where: `redis key name ${key}`, bytes: Buffer.from(key) },
      { where: `redis ${types[i] ?? '?'} ${key}`, bytes: output.subarray(start, end) },
    ];
  });
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

/** Deletes one memcached item (a test's own key), as an eviction or a restart would lose it. */
export async function deleteCacheItem(key: string): Promise<void> {
  await memcachedSession(async (command) => {
    const answer = (await command(`delete ${key}`)).toString();
    if (answer !== 'DELETED\r\n' && answer !== 'NOT_FOUND\r\n') throw new Error(`memcached delete: ${answer}`);
  });
}

/**
 * Hides `token` the ways a careless change could: as JSON in a cache item, gzipped in a `gz:`
 * payload of a queue key, and as raw bytes in a gzipped Datastore blob. The search must find all three.
 */
export async function plantCanary(
  token: string,
  where: { cachePrefix: string; queueName: string; store: TestDatastore },
): Promise<void> {
  const json = JSON.stringify({ canary: token });
  await memcachedSession(async (command) => {
    const stored = await command(`set ${where.cachePrefix}canary 0 300 ${json.length}\r\n${json}`);
    if (stored.toString() !== 'STORED\r\n') throw new Error(`memcached refused the canary: ${stored.toString()}`);
  });
  const gz = `gz:${gzipSync(Buffer.from(json)).toString('base64')}`;
  redisCli(['HSET', `bull:${where.queueName}:canary`, 'data', JSON.stringify({ payload: gz })]);
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
