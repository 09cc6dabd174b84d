// What the at-rest search looks through: stored things as bytes, and everything under a key
// pattern of a Redis-protocol server (the queue's Redis, the Valkey cache), read with redis-cli
// (not built, not a test file itself).
import { redisCli, scanKeys, type RedisAddress } from '../testing/redis-cli.fixture.js';

/** One stored thing: where it is, and its bytes. */
export interface Stored {
  readonly where: string;
  readonly bytes: Buffer;
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
 * Every key of `server` matching `pattern` and everything it holds, whatever its type, as
 * `<label> key name <key>` and `<label> <type> <key>`.
 */
export function redisItems(server: RedisAddress, pattern: string, label: string): Stored[] {
  const keys = scanKeys(server, pattern);
  if (keys.length === 0) return [];
  const types = redisCli(server, ['--raw'], keys.map((key) => `TYPE ${key}`).join('\n'))
    .toString()
    .split('\n');
  // One redis-cli for all reads; an ECHO before each marks where its value starts.
  const marker = (i: number) => `@@hostile-value-${i}@@`;
  const script = keys
    .map((key, i) => `ECHO ${marker(i)}\n${READ_BY_TYPE[types[i] ?? 'none']?.(key) ?? 'PING'}`)
    .join('\n');
  const output = redisCli(server, ['--raw'], script);
  return keys.flatMap((key, i) => {
    const start = output.indexOf(marker(i)) + marker(i).length;
    const end = i + 1 < keys.length ? output.indexOf(marker(i + 1)) : output.length;
    return [
      { where: `${label} key name ${key}`, bytes: Buffer.from(key) },
      { where: `${label} ${types[i] ?? '?'} ${key}`, bytes: output.subarray(start, end) },
    ];
  });
}
