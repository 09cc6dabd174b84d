import { randomBytes } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHostPort, startLatencyProxy, type LatencyProxy } from './proxy.js';

const DELAY_MS = 50;
const RTT_MS = 2 * DELAY_MS;

let echo: Server;
let echoPort: number;
let proxy: LatencyProxy;

beforeAll(async () => {
  // A real TCP echo server: every byte back, and an end answered with an end.
  echo = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as AddressInfo).port;
  proxy = await startLatencyProxy({ target: `127.0.0.1:${echoPort}`, delayMs: DELAY_MS });
});

afterAll(async () => {
  await proxy.close();
  await new Promise((resolve) => echo.close(resolve));
});

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true }, () => {
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Resolves with the ms from now until `bytes` bytes came back. */
function roundTrip(socket: Socket, message: Buffer): Promise<number> {
  const started = performance.now();
  return new Promise((resolve) => {
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received < message.length) return;
      socket.off('data', onData);
      resolve(performance.now() - started);
    };
    socket.on('data', onData);
    socket.write(message);
  });
}

describe('startLatencyProxy', () => {
  it('listens on loopback with the delay it was given', () => {
    expect(proxy.address).toBe('127.0.0.1');
    expect(proxy.port).toBeGreaterThan(0);
    expect(proxy.hostPort).toBe(`127.0.0.1:${proxy.port}`);
    expect(proxy.delayMs).toBe(DELAY_MS);
  });

  it('adds at least 2 × delay to a round trip, and not much more', async () => {
    const direct = await open(echoPort);
    const proxied = await open(proxy.port);
    try {
      const message = Buffer.from('ping\n');
      const directMs = await roundTrip(direct, message);
      const proxiedMs = await roundTrip(proxied, message);
      expect(proxiedMs).toBeGreaterThanOrEqual(RTT_MS);
      expect(proxiedMs).toBeLessThan(directMs + 5 * RTT_MS);
    } finally {
      direct.destroy();
      proxied.destroy();
    }
  });

  it('keeps concurrent requests in flight: 20 connections take about one round trip, not 20', async () => {
    const sockets = await Promise.all(Array.from({ length: 20 }, () => open(proxy.port)));
    try {
      const started = performance.now();
      const each = await Promise.all(
        sockets.map((socket, index) => roundTrip(socket, Buffer.from(`request ${index}\n`))),
      );
      const totalMs = performance.now() - started;
      expect(Math.min(...each)).toBeGreaterThanOrEqual(RTT_MS);
      expect(totalMs).toBeLessThan(5 * RTT_MS);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });

  it('pipelines on one connection: messages sent 10 ms apart come back in order, overlapping', async () => {
    const socket = await open(proxy.port);
    try {
      const messages = Array.from({ length: 10 }, (_, index) => `message ${index};`);
      const expected = messages.join('');
      let received = '';
      const started = performance.now();
      const done = new Promise<number>((resolve) => {
        socket.on('data', (chunk: Buffer) => {
          received += chunk.toString('utf8');
          if (received.length >= expected.length) resolve(performance.now() - started);
        });
      });
      for (const message of messages) {
        socket.write(message);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const sendingMs = performance.now() - started;
      const totalMs = await done;
      expect(received).toBe(expected);
      // One at a time would be 10 round trips (1 s) after the first send; overlapped, the last
      // answer comes one round trip after the last send.
      expect(totalMs).toBeGreaterThanOrEqual(RTT_MS);
      expect(totalMs - sendingMs).toBeLessThan(4 * RTT_MS);
    } finally {
      socket.destroy();
    }
  });

  it('carries 4 MiB both ways intact, and an end after the last byte', async () => {
    const socket = await open(proxy.port);
    const sent = randomBytes(4 * 2 ** 20);
    const chunks: Buffer[] = [];
    const ended = new Promise<void>((resolve) => socket.once('end', resolve));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.end(sent);
    await ended;
    expect(Buffer.concat(chunks).equals(sent)).toBe(true);
    socket.destroy();
  });

  it('closes the connection when the target refuses it', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const port = (probe.address() as AddressInfo).port;
        probe.close(() => {
          void startLatencyProxy({ target: { host: '127.0.0.1', port }, delayMs: DELAY_MS }).then(async (dead) => {
            const socket = await open(dead.port);
            socket.on('error', () => undefined);
            socket.once('close', () => {
              void dead.close().then(() => {
                resolve(1);
              });
            });
          });
        });
      });
    });
    expect(closed).toBe(1);
  });

  it('close() ends the connections it holds', async () => {
    const spare = await startLatencyProxy({ target: { host: '127.0.0.1', port: echoPort }, delayMs: DELAY_MS });
    const socket = await open(spare.port);
    const closed = new Promise<boolean>((resolve) =>
      socket.once('close', () => {
        resolve(true);
      }),
    );
    socket.on('error', () => undefined);
    await spare.close();
    expect(await closed).toBe(true);
  });

  it('refuses a negative delay', async () => {
    await expect(startLatencyProxy({ target: '127.0.0.1:1', delayMs: -1 })).rejects.toThrow(/delayMs/);
  });
});

describe('parseHostPort', () => {
  it('reads host:port, :port and port', () => {
    expect(parseHostPort('localhost:8081')).toEqual({ host: 'localhost', port: 8081 });
    expect(parseHostPort(':8081')).toEqual({ host: '127.0.0.1', port: 8081 });
    expect(parseHostPort('8081')).toEqual({ host: '127.0.0.1', port: 8081 });
  });

  it.each(['', 'host', 'host:', 'host:0', 'host:70000', 'host:8a'])('refuses %j', (text) => {
    expect(() => parseHostPort(text)).toThrow(/host:port/);
  });
});
