import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { withDeadline } from './deadline.js';
import { QueueUnavailableError } from './errors.js';

/** How to reach Redis: ioredis options (a connection is opened and owned), or a client you own. */
export type RedisConnection = RedisOptions | Redis;

/**
 * ioredis settings for a producer that must fail fast instead of waiting for Redis
 * (see https://docs.bullmq.io/patterns/failing-fast-when-redis-is-down). A publisher applies them
 * under the options you pass; a client you pass in is used as it is.
 */
export const PRODUCER_REDIS_OPTIONS = {
  /** Reject commands at once while disconnected, instead of holding them until Redis is back. */
  enableOfflineQueue: false,
  /** A command in flight when the connection drops survives one reconnect, then rejects. */
  maxRetriesPerRequest: 1,
  /** Reject a command that got no reply after this many ms. */
  commandTimeout: 750,
  /** Give up on one connection attempt after this many ms (then retry in the background). */
  connectTimeout: 1000,
  /** Keep reconnecting in the background: 100, 200, 400, 800 ms, then every second. */
  retryStrategy: (attempt: number): number => Math.min(50 * 2 ** attempt, 1000),
} as const satisfies RedisOptions;

export function isRedisClient(connection: RedisConnection): connection is Redis {
  return connection instanceof Redis;
}

/**
 * The connection as BullMQ types it. BullMQ hands these options to ioredis unchanged; the types
 * differ only in ioredis spelling optional properties `?: T | undefined`, which
 * exactOptionalPropertyTypes tells apart.
 */
export function bullmqConnection(connection: RedisConnection): ConnectionOptions {
  return connection as ConnectionOptions;
}

/** A producer client: the one passed in (not owned), or a new one with {@link PRODUCER_REDIS_OPTIONS}. */
export function producerClient(connection: RedisConnection): { client: Redis; owned: boolean } {
  if (isRedisClient(connection)) return { client: connection, owned: false };
  return { client: new Redis({ ...PRODUCER_REDIS_OPTIONS, ...connection }), owned: true };
}

/**
 * Resolves when `client` is connected. A first connection still being set up gets up to
 * `timeoutMs`; a client that has lost its connection (reconnecting, closed) rejects at once, so
 * callers fall back instead of queueing behind a reconnect.
 */
export function whenConnected(client: Redis, timeoutMs: number): Promise<void> {
  const status = client.status;
  if (status === 'ready') return Promise.resolve();
  if (status !== 'wait' && status !== 'connecting' && status !== 'connect') {
    return Promise.reject(new QueueUnavailableError(`redis connection is ${status}`));
  }
  let cleanup = (): void => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    const onReady = (): void => {
      resolve();
    };
    const onError = (error: unknown): void => {
      reject(new QueueUnavailableError('cannot connect to redis', error));
    };
    const onClose = (): void => {
      reject(new QueueUnavailableError('redis connection closed while connecting'));
    };
    client.once('ready', onReady).once('error', onError).once('close', onClose);
    cleanup = () => {
      client.off('ready', onReady).off('error', onError).off('close', onClose);
    };
  });
  return withDeadline(
    ready,
    timeoutMs,
    () => new QueueUnavailableError(`no redis connection after ${timeoutMs} ms`),
  ).finally(cleanup);
}

/** Closes a client this package opened: politely when connected, at once otherwise. */
export async function closeClient(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // the connection dropped while quitting: fall through and drop it for good
    }
  }
  client.disconnect();
}
