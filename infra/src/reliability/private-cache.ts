// A cache server of a scenario's own, of either kind, that the scenario may flush, restart or
// freeze while the machine's shared caches stay up.
import { startPrivateMemcached, startPrivateRedis, type PrivateServer } from '@gaesession/testkit';
import type { CacheChoice, CacheKind } from '../testing/cache-choice.fixture.js';
import { memcachedSession } from '../testing/memcached-text.fixture.js';
import { redisAddress, redisCli } from '../testing/redis-cli.fixture.js';

/** A private memcached, or a private redis-server as the Valkey cache (no persistence, as Memorystore's cache). */
export interface PrivateCache {
  readonly kind: CacheKind;
  /** What the apps are given (`services.cache` of `startApps`). */
  readonly choice: CacheChoice;
  /** Every entry gone at once: memcached `flush_all`, Valkey `FLUSHALL`. */
  flush(): Promise<void>;
  /** A crash and a start on the same port: every entry gone, and (Valkey) every loaded script too. */
  restart(): Promise<void>;
  /** SIGSTOP: connections stay open, nothing answers. */
  freeze(): Promise<void>;
  /** SIGCONT: it answers again, with the entries it had. */
  thaw(): Promise<void>;
  /** Thaws it if frozen, and kills it. */
  close(): Promise<void>;
}

/** `flush_all` on a private memcached, checked. */
async function flushMemcached(server: PrivateServer): Promise<void> {
  const answer = await memcachedSession(server.address, (command) => command('flush_all'));
  if (!answer.toString().startsWith('OK'))
    throw new Error(`flush_all on ${server.address} answered ${answer.toString()}`);
}

/** FLUSHALL on a private redis-server, checked. */
function flushValkey(server: PrivateServer): Promise<void> {
  const answer = redisCli(redisAddress(server.address), ['FLUSHALL']).toString().trim();
  if (answer !== 'OK') return Promise.reject(new Error(`FLUSHALL on ${server.address} answered ${answer}`));
  return Promise.resolve();
}

export async function startPrivateCache(kind: CacheKind): Promise<PrivateCache> {
  const server = kind === 'memcached' ? await startPrivateMemcached() : await startPrivateRedis();
  return {
    kind,
    choice: { kind, address: server.address },
    flush: () => (kind === 'memcached' ? flushMemcached(server) : flushValkey(server)),
    async restart() {
      await server.stop('SIGKILL');
      await server.start();
    },
    freeze: () => server.freeze(),
    thaw: () => server.thaw(),
    async close() {
      await server.thaw();
      await server.stop();
    },
  };
}
