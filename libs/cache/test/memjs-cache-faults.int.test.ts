import { isSessionError } from '@gaesession/core';
import { Cleanup, eventually, freePort, startPrivateMemcached, uniqueName } from '@gaesession/testkit';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_VALUE_BYTES } from '../src/limits.js';
import { MemjsCache } from '../src/memjs-cache.js';

// Network faults, on servers these tests own: a closed port, a server that never answers, and a
// private memcached that is stopped and restarted. The shared memcached is never touched.

const unavailable = (error: unknown): boolean => isSessionError(error, 'CACHE_UNAVAILABLE');
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

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
    expect(ms).toBeLessThan(2_000);
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
    expect(ms).toBeLessThan(2_000);
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
    expect(ms).toBeLessThan(3_000);
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

/** The connection count after memcached has had a moment to see earlier connections close. */
async function settledCount(port: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 300));
  return clientConnections(port);
}

/** memcached's own count of open client connections, asked over a connection of its own. */
async function clientConnections(port: number): Promise<number> {
  const socket = connect(port, '127.0.0.1');
  socket.write('stats\r\n');
  let text = '';
  for await (const chunk of socket) {
    text += String(chunk);
    if (text.includes('END\r\n')) break;
  }
  socket.destroy();
  const match = /STAT curr_connections (\d+)/.exec(text);
  if (!match) throw new Error(`no curr_connections in ${text}`);
  return Number(match[1]) - 1; // less this stats connection
}

describe('MemjsCache across a memcached stall', () => {
  it('fails with CACHE_UNAVAILABLE while memcached is frozen, recovers, and closes every socket it opened', async () => {
    const server = await startPrivateMemcached();
    cleanup.add(() => server.stop());
    // memcached may not have seen the readiness probe's connection close yet: the lowest of a few counts.
    const idle = Math.min(await clientConnections(server.port), await settledCount(server.port));
    const cache = new MemjsCache({ servers: server.address, timeoutSeconds: 0.2, keyPrefix: 'stall:' });
    await cache.set('k', Buffer.from('v'), 60);

    server.freeze();
    const { ms, result: frozen } = await timed(Promise.allSettled([cache.get('k'), cache.get('k')]));
    server.thaw();
    expect(frozen.every((outcome) => outcome.status === 'rejected' && unavailable(outcome.reason))).toBe(true);
    expect(ms).toBeLessThan(2_000);

    // memjs gave up on the frozen connection; the late close of that socket orphans the next one.
    const recovered = await eventually(async () => (await cache.get('k').catch(() => undefined))?.value.toString(), {
      timeoutMs: 5_000,
      what: 'the cache to recover',
    });
    expect(recovered).toBe('v');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await Promise.all([cache.get('k'), cache.get('k')])).map((item) => item?.value.toString())).toEqual([
      'v',
      'v',
    ]);

    await cache.close();
    // At most as many as before the cache connected (a count may still include a closed probe's).
    const after = await eventually(async () => ((await clientConnections(server.port)) <= idle ? idle : undefined), {
      timeoutMs: 15_000,
      what: 'memcached to see every cache connection closed',
    });
    expect(after).toBe(idle);
  });
});
