import type { Socket } from 'node:net';
import { services, uniqueName } from '@gaesession/testkit';
import memjs from 'memjs';
import { afterAll, describe, expect, it } from 'vitest';
import { MemjsCache } from '../src/memjs-cache.js';

// Against the shared memcached, under a key prefix of its own.
describe('MemjsCache: the requests of one tick leave in one write', () => {
  const client = memjs.Client.create(services.memcached, { retries: 1, logger: { log: () => undefined } });
  const cache = new MemjsCache({ client, keyPrefix: `${uniqueName('cork')}:` });
  afterAll(async () => {
    await cache.close();
    client.close();
  });

  it('answers every request of a burst, written together, and uncorks the socket', async () => {
    await cache.get('warm'); // connects
    const socket = (client.servers[0] as unknown as { _socket: Socket })._socket;
    let gathered = 0;
    const writev = socket._writev?.bind(socket);
    socket._writev = (chunks, callback) => {
      gathered += chunks.length;
      writev?.(chunks, callback);
    };
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
    await Promise.all(keys.map((key, i) => cache.set(key, Buffer.from(String(i)), 60)));
    const got = await Promise.all(keys.map((key) => cache.get(key)));
    expect(got.map((item) => item?.value.toString())).toEqual(keys.map((_, i) => String(i)));
    expect(gathered).toBe(40);
    expect(socket.writableCorked).toBe(0);
    await Promise.all(keys.map((key) => cache.delete(key)));
  });
});
