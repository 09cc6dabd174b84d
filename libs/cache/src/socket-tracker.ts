import type { Socket } from 'node:net';
import type { Client } from 'memjs';

/**
 * Remembers every socket a memjs client opens, so closing the client can close them all.
 *
 * Why: in memjs 1.3.2 a socket given up on after a response timeout is `end()`ed, not destroyed,
 * and its 'close' handler later clears whatever socket the server holds by then
 * (`self._socket = undefined`, lib/memjs/server.js). That newer socket stays open but unreferenced,
 * so `Client.close()` never ends it and the process cannot exit. Reads memjs's `_socket` field.
 */
export class SocketTracker {
  private readonly sockets = new Set<Socket>();

  constructor(private readonly client: Client) {}

  /** Picks up sockets opened since the last call; cheap, call after every request. */
  notice(): void {
    for (const server of this.client.servers) {
      // memjs keeps its connection in an undeclared field.
      const socket = (server as unknown as { _socket?: Socket })._socket;
      if (socket === undefined || socket.destroyed || this.sockets.has(socket)) continue;
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    }
  }

  /** Closes every socket the client ever opened; call only once no request is in flight. */
  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
