import { describe, expect, it } from 'vitest';
import { cookieHeaderFrom, expressSessionId } from './cookies.js';

describe('cookieHeaderFrom', () => {
  it('keeps each name=value and drops the attributes', () => {
    const header = cookieHeaderFrom(['a=1; Path=/; HttpOnly', 'sessid=tok.sig~2; Max-Age=60', '']);
    expect(header).toBe('a=1; sessid=tok.sig~2');
  });
});

describe('expressSessionId', () => {
  it('takes the id out of a signed express-session cookie', () => {
    expect(expressSessionId('x=1; connect.sid=s%3Aabc.DEF%2Bsig')).toBe('abc');
  });

  it('is undefined without one, or when it is not signed', () => {
    expect(expressSessionId('sessid=abc')).toBeUndefined();
    expect(expressSessionId('connect.sid=abc.def')).toBeUndefined();
  });
});
