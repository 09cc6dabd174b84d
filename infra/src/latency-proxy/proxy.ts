import { connect, createServer, type Socket } from 'node:net';
import { delayPipe } from './delay-pipe.js';

export interface LatencyProxyOptions {
  /** Where connections go: `host:port`, or `{ host, port }`. */
  readonly target: string | { readonly host: string; readonly port: number };
  /** Delay added to each direction, ms: a round trip gains twice this. @defaultValue 15 */
  readonly delayMs?: number;
  /** Interface to listen on. @defaultValue '127.0.0.1' */
  readonly host?: string;
  /** Port to listen on; 0 picks a free one. @defaultValue 0 */
  readonly port?: number;
}

export interface LatencyProxy {
  /** The address it listens on (`127.0.0.1`). */
  readonly address: string;
  readonly port: number;
  /** `address:port`, e.g. for DATASTORE_EMULATOR_HOST. */
  readonly hostPort: string;
  readonly delayMs: number;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** Delay of Cloud Datastore seen from App Engine, each way, ms: a round trip of about 30 ms. */
export const DEFAULT_DELAY_MS = 15;

/** `host:port` (the host may be omitted: `:8081`, `8081`) as host and port. */
export function parseHostPort(text: string): { host: string; port: number } {
  const colon = text.lastIndexOf(':');
  const host = colon <= 0 ? '127.0.0.1' : text.slice(0, colon);
  const portText = colon < 0 ? text : text.slice(colon + 1);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    throw new Error(`not a host:port: ${JSON.stringify(text)}`);
  }
  return { host, port };
}

/**
 * A TCP proxy that adds `delayMs` to each direction of every connection to `target`: bytes keep
 * their order and each chunk leaves `delayMs` after it arrived, so a multiplexed connection
 * (HTTP/2, gRPC) keeps all its requests in flight and a round trip gains 2 × `delayMs`.
 */
export async function startLatencyProxy(options: LatencyProxyOptions): Promise<LatencyProxy> {
  const target = typeof options.target === 'string' ? parseHostPort(options.target) : options.target;
  const delayMs = options.delayMs ?? DEFAULT_DELAY_MS;
  if (!(Number.isFinite(delayMs) && delayMs >= 0)) throw new Error(`delayMs must be ≥ 0, got ${delayMs}`);
  const sockets = new Set<Socket>();
  const track = (socket: Socket, peer: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // A failed side (refused, reset) takes the whole connection down, as the network would.
    socket.on('error', () => {
      socket.destroy();
      peer.destroy();
    });
  };
  // Half-open both ways: an end travels through the delay like the bytes before it.
  const server = createServer({ noDelay: true, allowHalfOpen: true }, (client) => {
    const upstream = connect({ host: target.host, port: target.port, noDelay: true, allowHalfOpen: true });
    track(client, upstream);
    track(upstream, client);
    delayPipe(client, upstream, delayMs);
    delayPipe(upstream, client, delayMs);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  if (bound === null || typeof bound === 'string') throw new Error('the latency proxy has no TCP address');
  return {
    address: bound.address,
    port: bound.port,
    hostPort: `${bound.address}:${bound.port}`,
    delayMs,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
