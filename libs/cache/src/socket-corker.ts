import type { Socket } from 'node:net';
import type { Client } from 'memjs';

/** The fields of a memjs server this reads (memjs keeps its connection in undeclared fields). */
interface ServerSocket {
  readonly connected?: boolean;
  readonly _socket?: Socket;
}

/**
 * Corks a memjs server's socket for the rest of the tick, so the requests made in one tick (the
 * compare-and-sets that follow one batch of responses, say) leave in one write instead of one
 * system call each. The socket is uncorked on `process.nextTick`, before any I/O: nothing waits
 * longer than the code already running. A socket still connecting is left alone (memjs queues
 * the request until it connects).
 */
export class SocketCorker {
  readonly #corked = new Set<Socket>();
  readonly #client: Client;

  constructor(client: Client) {
    this.#client = client;
  }

  /** Corks the socket the request for `route` will be written to, if it is connected. */
  cork(route: string): void {
    // A stand-in client (tests) may have no server lookup.
    if (typeof this.#client.server !== 'function') return;
    const server = this.#client.server(route) as ServerSocket | null;
    const socket = server?._socket;
    if (server?.connected !== true || socket === undefined || socket.destroyed || this.#corked.has(socket)) return;
    socket.cork();
    this.#corked.add(socket);
    if (this.#corked.size === 1) process.nextTick(this.#uncorkAll);
  }

  readonly #uncorkAll = (): void => {
    for (const socket of this.#corked) socket.uncork();
    this.#corked.clear();
  };
}
