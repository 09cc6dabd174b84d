import { isSessionError } from '@gaesession/core';
import memjs from 'memjs';
import { describe, expect, it } from 'vitest';
import { MemjsCache, type MemjsCacheOptions } from './memjs-cache.js';

// Construction only: no request is sent, so no server is needed.
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

  it('accepts an empty prefix and the defaults', async () => {
    const caches = [new MemjsCache({ keyPrefix: '' }), new MemjsCache()];
    for (const cache of caches) await cache.close();
    expect(caches).toHaveLength(2);
  });

  it('refuses calls after close with CACHE_UNAVAILABLE', async () => {
    const cache = new MemjsCache({ servers: '127.0.0.1:1' });
    await cache.close();
    await expect(cache.get('k')).rejects.toSatisfy((error) => isSessionError(error, 'CACHE_UNAVAILABLE'));
  });
});
