import { describe, expect, it } from 'vitest';
import { diffSession, sessionJson } from './diff.js';
import { cookieTimeout, timeoutChanged } from './cookie.js';

describe('diffSession', () => {
  it('sets new and changed keys, deletes removed ones, leaves equal ones alone', () => {
    const before = { a: 1, b: { x: [1, 2] }, gone: 'x', same: { deep: true } };
    const after = { a: 'one', b: { x: [1, 3] }, same: { deep: true }, added: null };
    expect(diffSession(before, after, true)).toEqual([
      { op: 'set', name: 'a', value: 'one' },
      { op: 'set', name: 'b', value: { x: [1, 3] } },
      { op: 'set', name: 'added', value: null },
      { op: 'delete', name: 'gone' },
    ]);
  });

  it('saves an integer moved by one as an increment, other number changes as sets', () => {
    const before = { up: 4, down: 4, jump: 4, float: 1.5, fresh: undefined as never };
    const after = { up: 5, down: 3, jump: 9, float: 2.5, fresh: 1 };
    expect(diffSession(before, after, true)).toEqual([
      { op: 'incr', name: 'up', by: 1 },
      { op: 'incr', name: 'down', by: -1 },
      { op: 'set', name: 'jump', value: 9 },
      { op: 'set', name: 'float', value: 2.5 },
      { op: 'set', name: 'fresh', value: 1 },
    ]);
    expect(diffSession({ n: 1 }, { n: 2 }, false)).toEqual([{ op: 'set', name: 'n', value: 2 }]);
  });

  it('treats "__proto__" and "constructor" as plain keys', () => {
    const after = JSON.parse('{"__proto__":{"polluted":true},"constructor":1}') as Record<string, never>;
    expect(diffSession({}, after, true).map((op) => op.name)).toEqual(['__proto__', 'constructor']);
  });
});

describe('sessionJson', () => {
  it('keeps what JSON keeps: no non-enumerable properties, Dates as strings, no undefined', () => {
    const sess = { user: 'ada', when: new Date(0), skip: undefined, cookie: { toJSON: () => ({ path: '/' }) } };
    Object.defineProperty(sess, 'req', { value: { huge: true }, enumerable: false });
    expect(sessionJson(sess)).toEqual({ user: 'ada', when: '1970-01-01T00:00:00.000Z', cookie: { path: '/' } });
  });
});

describe('cookieTimeout', () => {
  it('outlasts the cookie by the touch lag, in whole seconds; none without a maxAge', () => {
    expect(cookieTimeout({ originalMaxAge: 60_000 }, 0.25)).toBe(80_000);
    expect(cookieTimeout({ originalMaxAge: 59_999 }, 0.25)).toBe(80_000);
    expect(cookieTimeout({ originalMaxAge: 1500 }, 0)).toBe(2000);
    expect(cookieTimeout({ originalMaxAge: null }, 0.25)).toBeUndefined();
    expect(cookieTimeout(undefined, 0.25)).toBeUndefined();
  });

  it('ignores express-session drifting originalMaxAge by a millisecond', () => {
    expect(timeoutChanged(80_000, 80_000)).toBe(false);
    expect(timeoutChanged(2_592_000_000, 2_591_999_000)).toBe(false);
    expect(timeoutChanged(80_000, 1_800_000)).toBe(true);
  });
});
