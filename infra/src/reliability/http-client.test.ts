import { describe, expect, it } from 'vitest';
import { acknowledged, CookieJar, outcomeOf } from './http-client.js';

describe('CookieJar', () => {
  it('sends back the latest value of each cookie', () => {
    const jar = new CookieJar();
    jar.keep(['sessid=a~1; Path=/; HttpOnly', 'other=x']);
    jar.keep(['sessid=b~2; Path=/; HttpOnly']);
    expect(jar.header()).toBe('sessid=b~2; other=x');
  });

  it('forgets a cookie cleared with Max-Age=0 or an Expires in the past', () => {
    const jar = new CookieJar();
    jar.keep(['sessid=a~1', 'other=x']);
    jar.keep(['sessid=; Max-Age=0', 'other=; Expires=Thu, 01 Jan 1970 00:00:00 GMT']);
    expect(jar.header()).toBeUndefined();
    expect(jar.size).toBe(0);
  });

  it('ignores lines without a name', () => {
    const jar = new CookieJar();
    jar.keep(['=nameless', 'garbage']);
    expect(jar.header()).toBeUndefined();
  });
});

describe('answers', () => {
  it('counts only 2xx as acknowledged, and names the failures', () => {
    expect(acknowledged({ status: 204, body: undefined, ms: 1 })).toBe(true);
    expect(acknowledged({ status: 503, body: undefined, ms: 1 })).toBe(false);
    expect(acknowledged({ status: 0, body: undefined, ms: 1, failure: 'timeout' })).toBe(false);
    expect(outcomeOf({ status: 503, body: undefined, ms: 1 })).toBe('503');
    expect(outcomeOf({ status: 0, body: undefined, ms: 1, failure: 'network' })).toBe('network');
  });
});
