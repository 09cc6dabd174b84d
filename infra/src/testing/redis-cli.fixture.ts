// redis-cli calls on a Redis-protocol server: the shared queue Redis, the shared Valkey cache or a
// test's own (not built, not a test file itself). This package declares no Redis client of its own.
import { spawnSync } from 'node:child_process';

/** Where a Redis-protocol server listens. */
export interface RedisAddress {
  readonly host: string;
  readonly port: number;
}

/** `host:port` as a {@link RedisAddress}. */
export function redisAddress(hostPort: string): RedisAddress {
  const [host = '127.0.0.1', port = '6379'] = hostPort.split(':');
  return { host, port: Number(port) };
}

/** Runs redis-cli with `args` (and `input` on stdin, one command a line) on `server`; its raw output. */
export function redisCli(server: RedisAddress, args: readonly string[], input = ''): Buffer {
  const result = spawnSync('redis-cli', ['-h', server.host, '-p', String(server.port), ...args], { input });
  if (result.error !== undefined) {
    throw new Error('redis-cli is missing (Debian package redis-tools, installed with redis-server)', {
      cause: result.error,
    });
  }
  if (result.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${String(result.stderr)}`);
  return result.stdout;
}

/** The keys of `server` that match `pattern` (SCAN, never KEYS: the server is shared). */
export function scanKeys(server: RedisAddress, pattern: string): string[] {
  return redisCli(server, ['--scan', '--pattern', pattern])
    .toString()
    .split('\n')
    .filter((key) => key !== '');
}

/** Deletes the keys of `server` that match `pattern`; returns how many there were. */
export function deleteKeys(server: RedisAddress, pattern: string): number {
  const keys = scanKeys(server, pattern);
  for (let i = 0; i < keys.length; i += 500) redisCli(server, ['UNLINK', ...keys.slice(i, i + 500)]);
  return keys.length;
}
