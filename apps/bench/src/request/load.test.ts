import { describe, expect, it } from 'vitest';
import { connectionRequests } from './load.js';

const cookiesOf = (requests: readonly { headers?: Record<string, string> }[]) =>
  requests.map((request) => request.headers?.cookie);

describe('connectionRequests', () => {
  it('cycles each connection through every session, from its own offset', () => {
    const cookies = ['a', 'b', 'c', 'd'];
    expect(cookiesOf(connectionRequests('write', cookies, 0, 2))).toEqual(['a', 'b', 'c', 'd']);
    expect(cookiesOf(connectionRequests('write', cookies, 1, 2))).toEqual(['c', 'd', 'a', 'b']);
  });

  it('puts every request on the one session of a contention run', () => {
    const requests = connectionRequests('read', ['only'], 5, 32);
    expect(requests).toEqual([{ method: 'GET', path: '/read', headers: { cookie: 'only' } }]);
  });

  it('alternates reads and writes per session for the warm-up, and sends no cookie when empty', () => {
    expect(connectionRequests('mixed', ['', ''], 0, 1)).toEqual([
      { method: 'GET', path: '/read' },
      { method: 'POST', path: '/write' },
      { method: 'GET', path: '/read' },
      { method: 'POST', path: '/write' },
    ]);
  });
});
