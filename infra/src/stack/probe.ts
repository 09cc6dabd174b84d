import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Sends `request` over TCP and resolves with the first chunk of the answer, or undefined when
 * nothing answers within `timeoutMs`. Enough to tell memcached, Redis and HTTP servers apart.
 */
export function ask(host: string, port: number, request: string, timeoutMs = 1000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answer: string | undefined) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => {
      done(undefined);
    });
    socket.on('error', () => {
      done(undefined);
    });
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      done(chunk.toString('latin1'));
    });
  });
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(intervalMs);
  }
  return check();
}

/** True when a TCP connection to host:port opens (for servers that speak first-frame binary, like gRPC). */
export function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => {
      done(false);
    });
    socket.on('error', () => {
      done(false);
    });
    socket.on('connect', () => {
      done(true);
    });
  });
}
