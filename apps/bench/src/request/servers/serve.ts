import type { AddressInfo } from 'node:net';
import { createServer, type RequestListener } from 'node:http';

/** The first line a bench server prints on stdout once it listens; the bench waits for it. */
export interface ListeningLine {
  readonly listening: number;
}

/** A variable the bench sets for every server; a missing one is a bench bug, so fail loudly. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`bench server: ${name} is not set`);
  return value;
}

/** Session idle timeout shared by every server with sessions, in ms (30 min, as in gaesession). */
export const SESSION_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * Listens on a free loopback port, prints {@link ListeningLine}, and on SIGTERM stops taking
 * connections, runs `close` (the store's clients) and exits 0 (1 if that fails or takes > 10 s).
 */
export function serve(app: RequestListener, close: () => Promise<unknown> = () => Promise.resolve()): void {
  const server = createServer(app);
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1', () => {
    const line: ListeningLine = { listening: (server.address() as AddressInfo).port };
    console.log(JSON.stringify(line));
  });
  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), 10_000).unref();
    server.close(() => {
      close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('bench server: closing the store failed', error);
          process.exit(1);
        },
      );
    });
    server.closeAllConnections();
  });
}
