import { isSessionError } from '@gaesession/core';
import { Cleanup, eventually, freePort, startPrivateMemcached, uniqueName } from '@gaesession/testkit';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_VALUE_BYTES } from '../src/limits.js';
import { MemjsCache } from '../src/memjs-cache.js';

// Network faults, on servers these tests own: a closed port, a server that never answers, and a
// private memcached that is stopped and restarted. The shared memcached is never touched.

const unavailable = (error: unknown): boolean => isSessionError(error, 'CACHE_UNAVAILABLE');
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/**
 * The longest a call may take by the adapter's own rules: each attempt ends by its deadline
 * (memjs's timeout plus connect timeout plus a 250 ms margin: 750 ms at timeoutSeconds 0.2), retry n
 * waits n times the delay; plus 2 s for a busy machine's late timers. Past this, a call hung.
 * (A bound below this, as these tests had, fails whenever the machine is slow enough for every
 * attempt to run to its deadline.)
 */
function worstCaseMs({
  attempts,
  deadlineMs,
  retryDelayMs,
}: {
  attempts: number;
  deadlineMs: number;
  retryDelayMs: number;
}) {
  const delays = (retryDelayMs * (attempts - 1) * attempts) / 2;
  return attempts * deadlineMs + delays + 2_000;
}

async function timed<T>(work: Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await work;
  return { ms: performance.now() - start, result };
}

describe('MemjsCache when memcached is unreachable', () => {
  it('fails fast with CACHE_UNAVAILABLE on a port with nothing listening, keeping the cause', async () => {
    const cache = cleanup.track(new MemjsCache({ servers: `127.0.0.1:${await freePort()}`, keyPrefix: 'x:' }));
    const { ms, result: error } = await timed(cache.get('k').catch((e: unknown) => e));
    expect(unavailable(error)).toBe(true);
    expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
    expect(ms).toBeLessThan(1_000);
    await expect(cache.cas('k', Buffer.from('v'), 60, 1n)).rejects.toSatisfy(unavailable);
  });

  it('checks keys and sizes before sending: those errors win over the outage', async () => {
    const cache = cleanup.track(new MemjsCache({ servers: `127.0.0.1:${await freePort()}` }));
    await expect(cache.get('bad key')).rejects.toSatisfy((e) => isSessionError(e, 'CACHE_KEY_INVALID'));
    const big = Buffer.alloc(DEFAULT_MAX_VALUE_BYTES + 1);
    await expect(cache.add('k', big, 60)).rejects.toSatisfy((e) => isSessionError(e, 'SESSION_TOO_LARGE'));
  });
});

/**
 * A TCP server that reads requests and never answers; counts the request headers it sees. With
 * `hangUp` it closes each connection cleanly right after a request arrives.
 */
async function silentServer(hangUp = false): Promise<{ port: number; received: () => number; close(): Promise<void> }> {
  let received = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 24 && pending.length >= 24 + pending.readUInt32BE(8)) {
        pending = pending.subarray(24 + pending.readUInt32BE(8));
        received++;
        if (hangUp) socket.end();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    received: () => received,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

describe('MemjsCache when memcached never answers', () => {
  it('retries a get, then fails with CACHE_UNAVAILABLE within its timeouts', async () => {
    const silent = cleanup.track(await silentServer());
    const cache = cleanup.track(
      new MemjsCache({ servers: `127.0.0.1:${silent.port}`, timeoutSeconds: 0.2, retries: 2 }),
    );
    const { ms, result: error } = await timed(cache.get('k').catch((e: unknown) => e));
    expect(unavailable(error)).toBe(true);
    expect(silent.received()).toBe(3);
    expect(ms).toBeLessThan(worstCaseMs({ attempts: 3, deadlineMs: 750, retryDelayMs: 50 }));
  });

  it('sends a cas or add once only: a resent cas would report conflict for its own write', async () => {
    const silent = cleanup.track(await silentServer());
    const cache = cleanup.track(
      new MemjsCache({ servers: `127.0.0.1:${silent.port}`, timeoutSeconds: 0.2, retries: 2 }),
    );
    await expect(cache.cas('k', Buffer.from('v'), 60, 7n)).rejects.toSatisfy(unavailable);
    expect(silent.received()).toBe(1);
    await expect(cache.add('k', Buffer.from('v'), 60)).rejects.toSatisfy(unavailable);
    expect(silent.received()).toBe(2);
  });

  it('ends a call by its own deadline when the server hangs up without answering (memjs never calls back)', async () => {
    const server = cleanup.track(await silentServer(true));
    const cache = cleanup.track(
      new MemjsCache({ servers: `127.0.0.1:${server.port}`, timeoutSeconds: 0.2, retries: 1 }),
    );
    const { ms, result: error } = await timed(cache.get('k').catch((e: unknown) => e));
    expect(unavailable(error)).toBe(true);
    expect(String((error as Error).cause)).toMatch(/no response within \d+ ms/);
    expect(server.received()).toBe(2);
    // Ended by the deadline of each of the 2 attempts (750 ms), not sooner, and not much later.
    expect(ms).toBeGreaterThanOrEqual(2 * 750 + 50 - 5);
    expect(ms).toBeLessThan(worstCaseMs({ attempts: 2, deadlineMs: 750, retryDelayMs: 50 }));
  });
});

describe('MemjsCache across a memcached restart', () => {
  it('fails with CACHE_UNAVAILABLE while memcached is down, settles every call in flight, and recovers', async () => {
    const server = await startPrivateMemcached();
    cleanup.add(() => server.stop());
    const cache = cleanup.track(new MemjsCache({ servers: server.address, keyPrefix: `${uniqueName('restart')}:` }));

    await cache.set('k', Buffer.from('before'), 60);
    const before = await cache.get('k');
    expect(before?.value.toString()).toBe('before');

    // Calls in flight when the server dies must all end (value or CACHE_UNAVAILABLE), none hang.
    const inFlight = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0 ? cache.get('k') : cache.cas('k', Buffer.from(`w${i}`), 60, before!.cas),
    );
    // Handlers go on now: a call may fail while the server is still stopping.
    const settling = Promise.allSettled(inFlight);
    await server.stop();
    const { ms, result: settled } = await timed(settling);
    // Default timeouts: 0.5 s per response, 0.3 s per connect, retries 2 (get), so 1,050 ms an attempt.
    expect(ms).toBeLessThan(worstCaseMs({ attempts: 3, deadlineMs: 1050, retryDelayMs: 50 }));
    for (const outcome of settled) {
      if (outcome.status === 'rejected') expect(unavailable(outcome.reason)).toBe(true);
    }

    await expect(cache.get('k')).rejects.toSatisfy(unavailable);
    await expect(cache.set('k', Buffer.from('down'), 60)).rejects.toSatisfy(unavailable);

    await server.start();
    // memcached keeps nothing across a restart; the adapter reconnects on its own.
    const after = await eventually(
      async () => (await cache.add('k', Buffer.from('after'), 60).catch(() => false)) || undefined,
      {
        timeoutMs: 5_000,
        what: 'the cache to recover',
      },
    );
    expect(after).toBe(true);
    expect((await cache.get('k'))?.value.toString()).toBe('after');
  });
});

/**
 * This machine's TCP connections to `port` that the client side has ended and the server has not
 * closed yet (FIN-WAIT-1/2, CLOSING), from /proc/net/tcp and /proc/net/tcp6.
 */
async function halfClosedConnections(port: number): Promise<number> {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  let count = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const [, , remote = '', state = ''] = line.trim().split(/\s+/);
      if (remote.endsWith(`:${portHex}`) && ['04', '05', '0B'].includes(state)) count++;
    }
  }
  return count;
}

/** memcached's client connections (`tcp:127.0.0.1:<port>` each), less the one asking. */
async function clientConnections(port: number): Promise<string[]> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const own = `tcp:127.0.0.1:${socket.localPort}`;
  socket.write('stats conns\r\n');
  let text = '';
  for await (const chunk of socket) {
    text += String(chunk);
    if (text.endsWith('END\r\n')) break;
  }
  socket.destroy();
  // "STAT <fd>:addr tcp:127.0.0.1:<port>"; the listening socket's fd has no "listen_addr" line.
  const addresses = new Map<string, string>();
  const clients = new Set<string>();
  for (const [, fd = '', field, value = ''] of text.matchAll(/^STAT (\d+):(\w+) (.*?)\r$/gm)) {
    if (field === 'addr') addresses.set(fd, value);
    if (field === 'listen_addr') clients.add(fd);
  }
  return [...clients].map((fd) => addresses.get(fd) ?? `fd ${fd}`).filter((address) => address !== own);
}

describe('MemjsCache across a memcached stall', () => {
  it('fails with CACHE_UNAVAILABLE while memcached is frozen, recovers, and closes every socket it opened', async () => {
    const server = await startPrivateMemcached();
    cleanup.add(() => server.stop());
    cleanup.add(() => server.thaw()); // should the test fail while it is frozen
    // Attempts of timeoutSeconds 0.2 (plus memjs's 0.3 s connect timeout), retries 2.
    const cache = new MemjsCache({ servers: server.address, timeoutSeconds: 0.2, keyPrefix: 'stall:' });
    await cache.set('k', Buffer.from('v'), 60);

    await server.freeze(); // every thread of it stopped, not just signalled
    const { ms, result: frozen } = await timed(Promise.allSettled([cache.get('k'), cache.get('k')]));
    // memjs ended each connection it gave up on; memcached, asleep, has not closed its side yet.
    expect(await halfClosedConnections(server.port)).toBeGreaterThan(0);
    // A request on a fresh connection while memcached still sleeps: when it wakes, the late close
    // of a stalled connection makes memjs forget this one (it stays open, orphaned).
    const recovering = cache.get('k').catch(() => undefined);
    await server.thaw();
    for (const outcome of frozen) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason as Error;
      expect(unavailable(reason)).toBe(true);
      expect(reason.message).toMatch(/after 3 attempt\(s\)/);
    }
    expect(ms).toBeLessThan(worstCaseMs({ attempts: 3, deadlineMs: 750, retryDelayMs: 50 }));

    await recovering;
    const recovered = await eventually(async () => (await cache.get('k').catch(() => undefined))?.value.toString(), {
      timeoutMs: 5_000,
      what: 'the cache to recover',
    });
    expect(recovered).toBe('v');
    // Once memcached has closed every stalled connection, their late 'close' has reached memjs.
    await eventually(async () => ((await halfClosedConnections(server.port)) === 0 ? true : undefined), {
      timeoutMs: 15_000,
      what: 'memcached to close the stalled connections',
    });
    expect((await Promise.all([cache.get('k'), cache.get('k')])).map((item) => item?.value.toString())).toEqual([
      'v',
      'v',
    ]);
    expect((await clientConnections(server.port)).length).toBeGreaterThan(0);

    await cache.close();
    // Nothing else connects to this memcached: once the cache is closed, no client connection is left.
    let left: string[] = [];
    await eventually(
      async () => {
        left = await clientConnections(server.port);
        return left.length === 0 ? true : undefined;
      },
      { timeoutMs: 15_000, what: 'memcached to see every cache connection closed' },
    ).catch((error: unknown) => {
      throw new Error(`connections still open after close: ${left.join(', ')}`, { cause: error });
    });
    expect(left).toEqual([]);
  });
});
