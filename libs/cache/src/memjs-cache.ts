import { ConfigurationError, SessionTooLargeError, withDefaults } from '@gaesession/core';
import memjs, { type Client, type Response } from 'memjs';
import type { CasOutcome, CasToken } from './cache.js';
import { CacheKeyError, CacheUnavailableError } from './errors.js';
import {
  checkValueSize,
  DEFAULT_MAX_VALUE_BYTES,
  encodeKey,
  keyProblem,
  MAX_KEY_BYTES,
  toExpiration,
} from './limits.js';
import { describeStatus, Opcode, readCas, Status, storageExtras } from './protocol.js';
import { Transport, type Exchange } from './transport.js';

export interface MemjsCacheOptions {
  /**
   * memcached servers, comma-separated `host:port` (memjs syntax, `user:pass@` allowed). Keys are
   * spread over them by hash; there is no failover, so a key never moves while its server is down.
   * Not allowed together with `client`.
   * @defaultValue '127.0.0.1:11211'
   */
  servers?: string;
  /**
   * An existing memjs client to send through instead of creating one; it stays yours to close,
   * and its own timeouts apply (`servers`, `timeoutSeconds`, `connectTimeoutSeconds` and
   * `keepAlive` are then refused).
   */
  client?: Client;
  /**
   * Prepended to every key, so apps sharing a memcached stay apart. Counts toward the 250-byte key limit.
   * @defaultValue 'gs:'
   */
  keyPrefix?: string;
  /**
   * Extra attempts after a network error. get, set and delete are retried on any network error;
   * add and cas only when the request provably never left (connect/DNS failure), because a resent
   * cas would report 'conflict' for its own write.
   * @defaultValue 2
   */
  retries?: number;
  /**
   * Pause before the first retry, in seconds; retry n waits n times this.
   * @defaultValue 0.05
   */
  retryDelaySeconds?: number;
  /**
   * How long to wait for a response on an open connection, in seconds (memjs `timeout`).
   * @defaultValue 0.5
   */
  timeoutSeconds?: number;
  /**
   * How long to wait for a TCP connection, in seconds (memjs `conntimeout`).
   * @defaultValue 0.3
   */
  connectTimeoutSeconds?: number;
  /**
   * TCP keep-alive on idle connections (probes after 30 s), so a connection silently dropped by a
   * VPC connector or NAT is noticed before a request is written into it.
   * @defaultValue true
   */
  keepAlive?: boolean;
  /**
   * Largest value accepted, in bytes; bigger ones fail with `SessionTooLargeError` before anything
   * is sent. Raise it only for servers started with a larger `-I`.
   * @defaultValue 1_047_552 (memcached's 1 MiB item limit less 1 KiB for key and item header)
   */
  maxValueBytes?: number;
}

/** The memjs connection settings of a client this class creates. */
type OwnClientOptions = Pick<MemjsCacheOptions, 'servers' | 'timeoutSeconds' | 'connectTimeoutSeconds' | 'keepAlive'>;

/** The defaults of {@link MemjsCacheOptions}. */
export const MEMJS_CACHE_DEFAULTS = {
  keyPrefix: 'gs:',
  retries: 2,
  retryDelaySeconds: 0.05,
  maxValueBytes: DEFAULT_MAX_VALUE_BYTES,
} as const satisfies Partial<MemjsCacheOptions>;

/** The defaults of a client this class creates (refused together with `client`). */
const OWN_CLIENT_DEFAULTS = {
  servers: '127.0.0.1:11211',
  timeoutSeconds: 0.5,
  connectTimeoutSeconds: 0.3,
  keepAlive: true,
} as const satisfies OwnClientOptions;

const DEADLINE_MARGIN_MS = 250;
const silent = { log: () => undefined };

/** A cached value together with the token that identifies this exact version of it. */
export interface CacheItem {
  readonly value: Buffer;
  readonly cas: CasToken;
}

/**
 * A memcached client of bytes through memjs, with compare-and-set over the binary protocol (memjs
 * has none): get, add, cas, set, delete. {@link MemcachedSessionCache} stores sessions with it.
 */
export class MemjsCache {
  private readonly transport: Transport;
  private readonly keyPrefix: string;
  private readonly maxValueBytes: number;

  constructor(cacheOptions: MemjsCacheOptions = {}) {
    const options = withDefaults(MEMJS_CACHE_DEFAULTS, cacheOptions);
    const { client, keyPrefix, retries, retryDelaySeconds, maxValueBytes } = options;
    checkOptions(cacheOptions, keyPrefix, retries, retryDelaySeconds, maxValueBytes);
    const memjsClient = client ?? createClient(withDefaults(OWN_CLIENT_DEFAULTS, cacheOptions));
    this.keyPrefix = keyPrefix;
    this.maxValueBytes = maxValueBytes;
    const policy = { retries, retryDelayMs: retryDelaySeconds * 1000, deadlineMs: attemptDeadlineMs(memjsClient) };
    this.transport = new Transport(memjsClient, policy, client === undefined);
  }

  async get(key: string): Promise<CacheItem | undefined> {
    const response = await this.send(key, { opcode: Opcode.get, idempotent: true });
    switch (response.header.status) {
      case Status.ok:
        // No copy: memjs (1.x, Server.appendToBuffer) reads each chunk into a newly allocated
        // buffer and only ever slices it afterwards, so the value is never overwritten.
        return { value: response.val, cas: readCas(response.header.cas) };
      case Status.keyNotFound:
        return undefined;
      default:
        throw unexpected('get', response);
    }
  }

  async add(key: string, value: Buffer, ttlSeconds: number): Promise<boolean> {
    const response = await this.store(Opcode.add, key, value, ttlSeconds, 0n);
    switch (response.header.status) {
      case Status.ok:
        return true;
      case Status.keyExists:
      case Status.notStored:
        return false;
      default:
        throw this.storeFailure('add', key, value, response);
    }
  }

  async cas(key: string, value: Buffer, ttlSeconds: number, cas: CasToken): Promise<CasOutcome> {
    // 0 would mean "no check" on the wire: an unconditional overwrite the caller did not ask for.
    if (cas <= 0n) throw new RangeError(`cas token must be positive, got ${cas}`);
    const response = await this.store(Opcode.set, key, value, ttlSeconds, cas);
    switch (response.header.status) {
      case Status.ok:
        return 'stored';
      case Status.keyExists:
        return 'conflict';
      case Status.keyNotFound:
        return 'missing';
      default:
        throw this.storeFailure('cas', key, value, response);
    }
  }

  async set(key: string, value: Buffer, ttlSeconds: number): Promise<void> {
    const response = await this.store(Opcode.set, key, value, ttlSeconds, 0n);
    if (response.header.status !== Status.ok) throw this.storeFailure('set', key, value, response);
  }

  async delete(key: string): Promise<boolean> {
    const response = await this.send(key, { opcode: Opcode.delete, idempotent: true });
    switch (response.header.status) {
      case Status.ok:
        return true;
      case Status.keyNotFound:
        return false;
      default:
        throw unexpected('delete', response);
    }
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  /** Checks key, value and ttl before anything is sent, then sends a SET or ADD. */
  private store(opcode: Opcode, key: string, value: Buffer, ttlSeconds: number, cas: bigint): Promise<Response> {
    const [fullKey, keyBytes] = this.encodeKey(key);
    checkValueSize(fullKey, value, this.maxValueBytes);
    const extras = storageExtras(toExpiration(ttlSeconds, Date.now()));
    const idempotent = opcode === Opcode.set && cas === 0n;
    return this.transport.send({ opcode, route: fullKey, key: keyBytes, extras, value, cas, idempotent });
  }

  private send(key: string, exchange: Pick<Exchange, 'opcode' | 'idempotent'>): Promise<Response> {
    const [fullKey, keyBytes] = this.encodeKey(key);
    return this.transport.send({ ...exchange, route: fullKey, key: keyBytes });
  }

  /** The prefixed key and its bytes; an empty key is refused even though the prefix alone is valid. */
  private encodeKey(key: string): [fullKey: string, bytes: Buffer] {
    const fullKey = this.keyPrefix + key;
    if (key === '') throw new CacheKeyError(fullKey, 'empty key (only the prefix)');
    return [fullKey, encodeKey(fullKey)];
  }

  /** The server's own size limit (smaller `-I`) is still a too-large session, not an outage. */
  private storeFailure(op: string, key: string, value: Buffer, response: Response): Error {
    if (response.header.status !== Status.valueTooLarge) return unexpected(op, response);
    return new SessionTooLargeError(`cache value for ${this.keyPrefix + key}`, value.length, this.maxValueBytes);
  }
}

function unexpected(op: string, response: Response): CacheUnavailableError {
  return new CacheUnavailableError(`memcached answered ${op} with status ${describeStatus(response.header.status)}`);
}

function createClient({
  servers,
  timeoutSeconds,
  connectTimeoutSeconds,
  keepAlive,
}: Required<OwnClientOptions>): Client {
  return memjs.Client.create(servers, {
    timeout: timeoutSeconds,
    conntimeout: connectTimeoutSeconds,
    keepAlive,
    retries: 1,
    failover: false,
    logger: silent,
  });
}

/** memjs's own timeouts bound an attempt; the deadline is a backstop for callbacks memjs loses. */
function attemptDeadlineMs(client: Client): number {
  const seconds = client.servers.map(({ options: { timeout = 0.5, conntimeout = 2 * timeout } }) => {
    return timeout + conntimeout;
  });
  return Math.max(0, ...seconds) * 1000 + DEADLINE_MARGIN_MS;
}

function checkOptions(
  options: MemjsCacheOptions,
  keyPrefix: string,
  retries: number,
  retryDelaySeconds: number,
  maxValueBytes: number,
): void {
  const own: (keyof OwnClientOptions)[] = ['servers', 'timeoutSeconds', 'connectTimeoutSeconds', 'keepAlive'];
  const clash = own.filter((name) => options[name] !== undefined);
  if (options.client !== undefined && clash.length > 0) {
    throw new ConfigurationError(`MemjsCache: ${clash.join(', ')} cannot be combined with client`);
  }
  if (keyPrefix !== '' && keyProblem(keyPrefix) !== undefined) {
    throw new ConfigurationError(`MemjsCache: keyPrefix ${JSON.stringify(keyPrefix)}: ${keyProblem(keyPrefix)}`);
  }
  if (Buffer.byteLength(keyPrefix) >= MAX_KEY_BYTES) {
    throw new ConfigurationError(`MemjsCache: keyPrefix leaves no room under the ${MAX_KEY_BYTES}-byte key limit`);
  }
  const positive = { timeoutSeconds: options.timeoutSeconds, connectTimeoutSeconds: options.connectTimeoutSeconds };
  for (const [name, value] of Object.entries({ ...positive, maxValueBytes })) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new ConfigurationError(`MemjsCache: ${name} must be a positive number, got ${value}`);
    }
  }
  if (!Number.isInteger(retries) || retries < 0) {
    throw new ConfigurationError(`MemjsCache: retries must be a whole number ≥ 0, got ${retries}`);
  }
  if (!Number.isFinite(retryDelaySeconds) || retryDelaySeconds < 0) {
    throw new ConfigurationError(`MemjsCache: retryDelaySeconds must be ≥ 0, got ${retryDelaySeconds}`);
  }
}
