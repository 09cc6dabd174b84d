import { describe, expect, it } from 'vitest';
import { wasNeverSent } from './transport.js';

function netError(message: string, syscall: string, code: string): Error {
  return Object.assign(new Error(message), { syscall, code });
}

describe('wasNeverSent', () => {
  it('is true for failures before a connection existed', () => {
    expect(wasNeverSent(netError('connect ECONNREFUSED 127.0.0.1:1', 'connect', 'ECONNREFUSED'))).toBe(true);
    expect(wasNeverSent(netError('getaddrinfo ENOTFOUND nohost', 'getaddrinfo', 'ENOTFOUND'))).toBe(true);
    expect(wasNeverSent(new Error('socket timed out connecting to server.'))).toBe(true);
    expect(wasNeverSent(new Error('No servers available'))).toBe(true);
  });

  it('is false when the request may have reached the server', () => {
    expect(wasNeverSent(netError('read ECONNRESET', 'read', 'ECONNRESET'))).toBe(false);
    expect(wasNeverSent(netError('write EPIPE', 'write', 'EPIPE'))).toBe(false);
    expect(wasNeverSent(new Error('socket timed out waiting on response.'))).toBe(false);
    expect(wasNeverSent(new Error('no response within 1250 ms'))).toBe(false);
    expect(wasNeverSent('Memcached server authentication failed!')).toBe(false);
  });
});
