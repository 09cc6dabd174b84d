import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, Response } from 'memjs';
import { CacheUnavailableError } from './errors.js';
import { encodeRequest, type Request } from './protocol.js';
import { SocketTracker } from './socket-tracker.js';

/** How a {@link Transport} retries and gives up. */
export interface TransportPolicy {
  /** Extra attempts after the first, on network errors only. */
  readonly retries: number;
  /** Wait before retry n (1-based) is n times this, in milliseconds. */
  readonly retryDelayMs: number;
  /** Longest wait for one attempt, in milliseconds, even if memjs never calls back. */
  readonly deadlineMs: number;
}

/** One request, before its opaque sequence number is assigned. */
export interface Exchange extends Omit<Request, 'opaque'> {
  /** The full key, as memjs hashes it to pick a server. */
  readonly route: string;
  /** Whether sending it twice is harmless (get, set, delete); add and cas are not. */
  readonly idempotent: boolean;
}

/**
 * Sends raw binary-protocol requests through a memjs client: bounded retries, a hard deadline
 * per attempt, and a drain on close. memjs's own retries are turned off (it would resend a CAS
 * whose response was lost, and a resent CAS reports 'conflict' for its own write).
 */
export class Transport {
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly sockets: SocketTracker | undefined;
  private closed = false;

  /** @param ownsClient - whether {@link close} closes the client (and every socket it opened) */
  constructor(
    private readonly client: Client,
    private readonly policy: TransportPolicy,
    private readonly ownsClient: boolean,
  ) {
    this.sockets = ownsClient ? new SocketTracker(client) : undefined;
  }

  async send(exchange: Exchange): Promise<Response> {
    if (this.closed) throw new CacheUnavailableError('the cache is closed');
    const call = this.sendWithRetries(exchange);
    this.inFlight.add(call);
    try {
      return await call;
    } finally {
      this.inFlight.delete(call);
    }
  }

  /**
   * Refuses new requests, waits for those in flight (each ends by its deadline), then closes the
   * client if it is ours.
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    if (!this.ownsClient) return;
    this.client.close();
    this.sockets?.destroyAll();
  }

  private async sendWithRetries(exchange: Exchange): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(exchange);
      } catch (error) {
        const resendable = exchange.idempotent || wasNeverSent(error);
        if (!resendable || attempt >= this.policy.retries || this.closed) {
          throw new CacheUnavailableError(
            `memcached unavailable after ${attempt + 1} attempt(s): ${errorMessage(error)}`,
            error,
          );
        }
        // Waiting also lets memjs finish tearing down the failed socket before the next connect.
        await sleep(this.policy.retryDelayMs * (attempt + 1));
      }
    }
  }

  private attempt(exchange: Exchange): Promise<Response> {
    return new Promise((resolve, reject) => {
      this.client.incrSeq();
      // memjs wraps seq into a signed 32-bit int; responses carry it unsigned.
      const opaque = this.client.seq >>> 0;
      const request = encodeRequest({ ...exchange, opaque });
      // memjs can lose a callback (a socket that closes without an error, or a late 'close' of an
      // old socket orphaning the new one), so each attempt has its own deadline.
      const timer = setTimeout(() => {
        reject(new Error(`no response within ${this.policy.deadlineMs} ms`));
      }, this.policy.deadlineMs);
      const done = (error: Error | null, response?: Response): void => {
        clearTimeout(timer);
        if (error) reject(error);
        else if (response) resolve(response);
        else reject(new Error('memjs returned neither a response nor an error'));
      };
      // retries = 1: a single attempt; this class decides what is safe to resend.
      this.client.perform(exchange.route, request, opaque, done, 1);
      this.sockets?.notice();
    });
  }
}

const CONNECT_TIMEOUT_MESSAGE = 'socket timed out connecting to server.';
const NO_SERVERS_MESSAGE = 'No servers available';

/**
 * True when the error proves the request never reached a server (connect or DNS failure), so even
 * a non-idempotent request may be resent. Errors on an open connection (reset, response timeout)
 * leave it unknown whether the server applied the request.
 */
export function wasNeverSent(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.message === CONNECT_TIMEOUT_MESSAGE || error.message === NO_SERVERS_MESSAGE) return true;
  const syscall = (error as NodeJS.ErrnoException).syscall;
  return syscall === 'connect' || syscall === 'getaddrinfo';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
