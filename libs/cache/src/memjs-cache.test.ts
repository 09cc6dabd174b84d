import { isSessionError } from '@gaesession/core';
import memjs from 'memjs';
import { describe, expect, it } from 'vitest';
import { MemjsCache, type MemjsCacheOptions } from './memjs-cache.js';
import { Status } from './protocol.js';

/**
 * A stand-in memjs client that answers every request "key not found" and records the key it
 * was sent (the key field of the binary request: after the 24-byte header and the extras).
 */
function recordingClient(): { client: memjs.Client; keys: string[] } {
  const keys: string[] = [];
  const fake = {
    servers: [],
    seq: 0,
    incrSeq() {
      fake.seq++;
    },
    perform(
      _route: string,
      request: Buffer,
      opaque: number,
      callback: (error: Error | null, response?: unknown) => void,
    ) {
      const keyLength = request.readUInt16BE(2);
      const extrasLength = request.readUInt8(4);
      keys.push(request.subarray(24 + extrasLength, 24 + extrasLength + keyLength).toString());
      const header = { status: Status.keyNotFound, opaque, cas: Buffer.alloc(8) };
      callback(null, { header, key: Buffer.alloc(0), extras: Buffer.alloc(0), val: Buffer.alloc(0) });
    },
  };
  return { client: fake as unknown as memjs.Client, keys };
}

// Construction, and requests through a stand-in client: no server is needed.
describe('MemjsCache options', () => {
  it.each<[string, MemjsCacheOptions]>([
    ['a prefix with a space', { keyPrefix: 'my app:' }],
    ['a prefix that fills the key', { keyPrefix: 'p'.repeat(250) }],
    ['negative retries', { retries: -1 }],
    ['fractional retries', { retries: 1.5 }],
    ['a zero timeout', { timeoutSeconds: 0 }],
    ['a NaN connect timeout', { connectTimeoutSeconds: Number.NaN }],
    ['a negative retry delay', { retryDelaySeconds: -0.1 }],
    ['a zero value limit', { maxValueBytes: 0 }],
    ['servers next to a client', { client: memjs.Client.create('127.0.0.1:1'), servers: '127.0.0.1:2' }],
  ])('refuses %s with CONFIGURATION', (_label, options) => {
    expect(() => new MemjsCache(options)).toThrow(expect.objectContaining({ code: 'SESSION_CONFIGURATION' }));
  });

  it('accepts the defaults, and closes without having connected', async () => {
    const cache = new MemjsCache();
    await expect(cache.close()).resolves.toBeUndefined();
  });

  it.each([
    ['an empty prefix', { keyPrefix: '' }, 'k'],
    ['the default prefix', {}, 'gs:k'],
    ['its own prefix', { keyPrefix: 'app:' }, 'app:k'],
  ])('accepts %s and sends keys with it', async (_label, options: MemjsCacheOptions, sent) => {
    const { client, keys } = recordingClient();
    const cache = new MemjsCache({ ...options, client });
    expect(await cache.get('k')).toBeUndefined();
    expect(keys).toEqual([sent]);
    await cache.close();
  });

  it('refuses calls after close with CACHE_UNAVAILABLE', async () => {
    const cache = new MemjsCache({ servers: '127.0.0.1:1' });
    await cache.close();
    await expect(cache.get('k')).rejects.toSatisfy((error) => isSessionError(error, 'CACHE_UNAVAILABLE'));
  });
});
