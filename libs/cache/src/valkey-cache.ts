import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigurationError, messageOf, SessionTooLargeError, withDefaults } from '@gaesession/core';
import { Redis, type RedisOptions } from 'ioredis';
import type {
  AtomicOutcome,
  AtomicUpdate,
  CacheEntry,
  CachedEntry,
  CasOutcome,
  CasToken,
  SessionCache,
} from './cache.js';
import { CacheUnavailableError } from './errors.js';
import { DEFAULT_MAX_VALUE_BYTES } from './limits.js';
import { entryFields, entryFromHash, fieldsBytes, hashFromList } from './valkey-hash.js';
import { UPDATE_SCRIPT, WRITE_SCRIPT } from './valkey-scripts.js';

export interface ValkeyCacheOptions {
  /**
   * Where the cache is: `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS (as
   * Memorystore for Valkey offers with in-transit encryption). Not allowed together with `client`.
   * @defaultValue 'redis://127.0.0.1:6380'
   */
  url?: string;
  /** Extra ioredis options for the connection this class opens (e.g. `tls: { ca }`). @defaultValue {} */
  redisOptions?: RedisOptions;
  /** A connected ioredis client to use instead; it stays yours to close. Its own timeouts apply. */
  client?: Redis;
  /** Prepended to every key, so apps sharing a server stay apart. @defaultValue 'gs:' */
  keyPrefix?: string;
  /**
   * Extra attempts of a read, `set` or `delete` after a connection error. Writes that may have
   * reached the server (add, compare-and-set, update) are not resent: their outcome is unknown.
   * @defaultValue 2
   */
  retries?: number;
  /** Pause before the first retry, in seconds; retry n waits n times this. @defaultValue 0.05 */
  retryDelaySeconds?: number;
  /** How long a command may wait for its answer, in seconds. @defaultValue 0.5 */
  timeoutSeconds?: number;
  /** How long to wait for a TCP connection, in seconds. @defaultValue 0.3 */
  connectTimeoutSeconds?: number;
  /** Largest session stored, in bytes of JSON (estimated); bigger ones fail with `SessionTooLargeError`. @defaultValue 1_047_552 */
  maxValueBytes?: number;
}

/** The defaults of {@link ValkeyCacheOptions}. */
export const VALKEY_CACHE_DEFAULTS = {
  url: 'redis://127.0.0.1:6380',
  redisOptions: {},
  keyPrefix: 'gs:',
  retries: 2,
  retryDelaySeconds: 0.05,
  timeoutSeconds: 0.5,
  connectTimeoutSeconds: 0.3,
  maxValueBytes: DEFAULT_MAX_VALUE_BYTES,
} as const satisfies Partial<ValkeyCacheOptions>;

/** The scripts, as ioredis defines them (called by SHA; ioredis reloads a script the server lost, NOSCRIPT). */
interface ScriptCommands {
  gsWrite(key: string, ...args: string[]): Promise<string>;
  gsUpdate(key: string, ...args: string[]): Promise<[string, ...unknown[]]>;
}

/**
 * {@link SessionCache} on Valkey (or Redis) through ioredis: each session one hash, every write a
 * Lua script. Besides compare-and-set it has {@link update}: the server applies a request's
 * operations to whatever version it holds, atomically, in one round trip, so concurrent requests
 * on one session never conflict.
 */
export class ValkeyCache implements SessionCache {
  readonly #client: Redis & ScriptCommands;
  readonly #owned: boolean;
  readonly #retries: number;
  readonly #retryDelayMs: number;
  readonly #maxValueBytes: number;
  readonly #prefix: string;
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed = false;

  constructor(cacheOptions: ValkeyCacheOptions = {}) {
    const options = withDefaults(VALKEY_CACHE_DEFAULTS, cacheOptions);
    if (cacheOptions.client !== undefined && cacheOptions.url !== undefined) {
      throw new ConfigurationError('ValkeyCache: url cannot be combined with client');
    }
    const client = options.client ?? createClient(options);
    client.defineCommand('gsWrite', { numberOfKeys: 1, lua: WRITE_SCRIPT });
    client.defineCommand('gsUpdate', { numberOfKeys: 1, lua: UPDATE_SCRIPT });
    this.#client = client as Redis & ScriptCommands;
    this.#owned = options.client === undefined;
    this.#retries = options.retries;
    this.#retryDelayMs = options.retryDelaySeconds * 1000;
    this.#maxValueBytes = options.maxValueBytes;
    this.#prefix = options.keyPrefix;
  }

  get(key: string): Promise<CachedEntry | undefined> {
    return this.#send('get', true, async () => entryFromHash(await this.#client.hgetall(this.#key(key))));
  }

  add(key: string, entry: CacheEntry, ttlSeconds: number): Promise<boolean> {
    return this.#store('add', key, entry, ttlSeconds, '').then((status) => status === 'stored');
  }

  cas(key: string, entry: CacheEntry, ttlSeconds: number, cas: CasToken): Promise<CasOutcome> {
    return this.#store('cas', key, entry, ttlSeconds, cas.toString()) as Promise<CasOutcome>;
  }

  async set(key: string, entry: CacheEntry, ttlSeconds: number): Promise<void> {
    await this.#store('set', key, entry, ttlSeconds, '');
  }

  delete(key: string): Promise<boolean> {
    return this.#send('delete', true, async () => (await this.#client.del(this.#key(key))) > 0);
  }

  update(key: string, update: AtomicUpdate): Promise<AtomicOutcome> {
    const args = [
      String(update.baseVersion),
      String(update.now),
      String(Math.min(update.maxBytes, this.#maxValueBytes)),
    ];
    for (const op of update.ops) {
      if (op.op === 'set') args.push('set', op.name, JSON.stringify(op.value));
      else if (op.op === 'delete') args.push('delete', op.name, '');
      else args.push('incr', op.name, String(op.by));
    }
    return this.#send('update', false, async () => toOutcome(await this.#client.gsUpdate(this.#key(key), ...args)));
  }

  /** Refuses new calls, waits for those in flight, then closes the connection if it is ours. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
    if (!this.#owned) return;
    try {
      await this.#client.quit();
    } catch {
      this.#client.disconnect();
    }
  }

  #store(mode: 'add' | 'cas' | 'set', key: string, entry: CacheEntry, ttlSeconds: number, cas: string) {
    const fields = entryFields(entry);
    const size = fieldsBytes(fields);
    if (size > this.#maxValueBytes)
      throw new SessionTooLargeError(`cache value for ${this.#key(key)}`, size, this.#maxValueBytes);
    const ttlMs = String(Math.max(1, Math.ceil(ttlSeconds)) * 1000);
    return this.#send(mode, mode === 'set', () => this.#client.gsWrite(this.#key(key), mode, cas, ttlMs, ...fields));
  }

  #key(key: string): string {
    if (key === '') throw new ConfigurationError('ValkeyCache: empty key');
    return this.#prefix + key;
  }

  /** Runs a command with the retry policy, mapping connection failures to {@link CacheUnavailableError}. */
  async #send<T>(op: string, idempotent: boolean, command: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new CacheUnavailableError('the cache is closed');
    const call = this.#withRetries(op, idempotent, command);
    this.#inFlight.add(call);
    try {
      return await call;
    } finally {
      this.#inFlight.delete(call);
    }
  }

  async #withRetries<T>(op: string, idempotent: boolean, command: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const status = this.#client.status;
      try {
        return await command();
      } catch (error) {
        // Refused before sending (no connection, offline queue off): safe to resend, even a write.
        const neverSent = status !== 'ready';
        if (!(idempotent || neverSent) || attempt >= this.#retries || this.#closed) {
          throw new CacheUnavailableError(
            `valkey ${op} failed after ${attempt + 1} attempt(s): ${messageOf(error)}`,
            error,
          );
        }
        await sleep(this.#retryDelayMs * (attempt + 1));
      }
    }
  }
}

function createClient(
  options: Required<Pick<ValkeyCacheOptions, 'url' | 'redisOptions' | 'timeoutSeconds' | 'connectTimeoutSeconds'>>,
): Redis {
  const client = new Redis(options.url, {
    // Fail fast: a request falls back to Datastore instead of waiting for the cache to come back.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.timeoutSeconds * 1000,
    connectTimeout: options.connectTimeoutSeconds * 1000,
    // Keep reconnecting in the background: 100, 200, 400, 800 ms, then every second.
    retryStrategy: (attempt: number) => Math.min(50 * 2 ** attempt, 1000),
    ...options.redisOptions,
  });
  // Connection errors surface as failed commands; without a listener ioredis would print them.
  client.on('error', () => undefined);
  return client;
}

function toOutcome(reply: [string, ...unknown[]]): AtomicOutcome {
  const [status, detail] = reply;
  switch (status) {
    case 'updated': {
      const cached = entryFromHash(hashFromList(detail as string[]));
      if (cached?.entry === undefined || !('record' in cached.entry)) return { status: 'missing' };
      return { status: 'updated', record: cached.entry.record };
    }
    case 'too-large':
      return { status: 'too-large', size: Number(detail) };
    case 'overflow':
      return { status: 'overflow', name: String(detail) };
    case 'missing':
    case 'stale':
    case 'gone':
      return { status };
    default:
      throw new CacheUnavailableError(`valkey update answered ${status}`);
  }
}
