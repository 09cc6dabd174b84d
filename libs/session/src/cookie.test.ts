import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CookieManager } from './cookie.js';
import { ConfigurationError, isWellFormedToken, newToken, sessionKey } from '@gaesession/core';

const SECRET_A = 'secret-a-0123456789abcdef';
const SECRET_B = 'secret-b-0123456789abcdef';

/** The `name=value` part of a Set-Cookie value: what the browser sends back. */
function sent(setCookie: string): string {
  return setCookie.split(';')[0]!;
}

function attributes(setCookie: string): string[] {
  return setCookie.split('; ').slice(1);
}

describe('CookieManager options', () => {
  it('defaults to sessid, Path=/, 30 days, HttpOnly, Secure, SameSite=Lax', () => {
    const cookies = new CookieManager();
    const token = newToken();
    const header = cookies.serialize(token);
    expect(sent(header)).toBe(`sessid=${token}`);
    expect(attributes(header).sort()).toEqual(
      ['HttpOnly', 'Max-Age=2592000', 'Path=/', 'SameSite=Lax', 'Secure'].sort(),
    );
  });

  it('clears with the same attributes and Max-Age=0', () => {
    const cookies = new CookieManager({ domain: 'example.com', path: '/app' });
    const clear = cookies.serializeClear();
    expect(sent(clear)).toBe('sessid=');
    expect(attributes(clear).sort()).toEqual(
      ['Domain=example.com', 'HttpOnly', 'Max-Age=0', 'Path=/app', 'SameSite=Lax', 'Secure'].sort(),
    );
  });

  it('honours name, allowHttp, domain, path, sameSite and maxAge', () => {
    const cookies = new CookieManager({
      name: 'app_sid',
      allowHttp: true,
      domain: '.example.com',
      path: '/x',
      sameSite: 'Strict',
      maxAge: 90_500,
    });
    const token = newToken();
    const header = cookies.serialize(token);
    expect(sent(header)).toBe(`app_sid=${token}`);
    expect(attributes(header).sort()).toEqual(
      ['Domain=.example.com', 'HttpOnly', 'Max-Age=90', 'Path=/x', 'SameSite=Strict'].sort(),
    );
    expect(cookies.read(`app_sid=${token}`)).toBe(token);
    expect(cookies.read(`sessid=${token}`)).toBeUndefined();
  });

  it('allows SameSite=None only with Secure', () => {
    expect(() => new CookieManager({ sameSite: 'None', allowHttp: true })).toThrow(ConfigurationError);
    expect(new CookieManager({ sameSite: 'None' }).serialize(newToken())).toMatch(/; Secure; SameSite=None$/);
  });

  it('enforces the rules of __Host- and __Secure- names', () => {
    expect(new CookieManager({ name: '__Host-sid' }).serialize(newToken())).toMatch(/^__Host-sid=/);
    expect(new CookieManager({ name: '__Secure-sid', domain: 'example.com' }).name).toBe('__Secure-sid');
    expect(() => new CookieManager({ name: '__Host-sid', domain: 'example.com' })).toThrow(ConfigurationError);
    expect(() => new CookieManager({ name: '__Host-sid', path: '/app' })).toThrow(ConfigurationError);
    expect(() => new CookieManager({ name: '__Host-sid', allowHttp: true })).toThrow(ConfigurationError);
    expect(() => new CookieManager({ name: '__Secure-sid', allowHttp: true })).toThrow(ConfigurationError);
  });

  it('refuses options that would break or inject into the header', () => {
    const bad = [
      { name: 'a b' },
      { name: '' },
      { name: 'a;b' },
      { domain: 'example.com; Secure=false' },
      { domain: '' },
      { path: '/; HttpOnly' },
      { path: '/a b' },
      { path: '' },
      { maxAge: 0 },
      { maxAge: -1000 },
      { maxAge: NaN },
      { maxAge: Infinity },
      { secrets: ['short'] },
    ];
    for (const options of bad)
      expect(() => new CookieManager(options), JSON.stringify(options)).toThrow(ConfigurationError);
  });

  it('names an unset secret (a missing environment variable in JavaScript) instead of failing with a TypeError', () => {
    const unset = [process.env.GAESESSION_SURELY_UNSET_SECRET] as unknown as string[];
    expect(() => new CookieManager({ secrets: unset })).toThrow(
      new ConfigurationError('cookie secret 1: expected a string of at least 16 characters, got undefined'),
    );
  });
});

describe('CookieManager.read', () => {
  const unsigned = new CookieManager();
  const signed = new CookieManager({ secrets: [SECRET_A] });

  it('reads back what it wrote, signed and unsigned', () => {
    const token = newToken();
    expect(unsigned.read(sent(unsigned.serialize(token)))).toBe(token);
    const signedValue = sent(signed.serialize(token));
    expect(signedValue).toMatch(new RegExp(`^sessid=${token}\\.[A-Za-z0-9_-]{43}$`));
    expect(signed.read(signedValue)).toBe(token);
  });

  it('finds the cookie among others, with or without spaces', () => {
    const token = newToken();
    expect(unsigned.read(`a=1; sessid=${token}; b=2`)).toBe(token);
    expect(unsigned.read(`a=1;sessid=${token};b=2`)).toBe(token);
    expect(unsigned.read(`  sessid = ${token}  `)).toBe(token);
    expect(unsigned.read(`xsessid=${token}`)).toBeUndefined();
    expect(unsigned.read(`sessidx=${token}`)).toBeUndefined();
    expect(unsigned.read(`SESSID=${token}`)).toBeUndefined();
  });

  it('reads every malformed value as "no session"', () => {
    const token = newToken();
    const cases = [
      undefined,
      '',
      'sessid=',
      'sessid',
      `sessid=${'a'.repeat(8192)}`,
      `sessid=${token.slice(0, 42)}`,
      `sessid=${token}A`,
      `sessid=${token.slice(0, 42)}+`,
      `sessid=${token.slice(0, 42)}/`,
      `sessid=${token.slice(0, 42)}=`,
      `sessid=${token.slice(0, 41)}é`,
      `sessid="${token}"`,
      `sessid=${token.slice(0, 20)} ${token.slice(20, 42)}`,
      ';;;;',
      '=;=;=',
      '\u0000\uffff',
    ];
    for (const header of cases) expect(unsigned.read(header), String(header)).toBeUndefined();
  });

  it('refuses forged, truncated or wrongly signed values when signing', () => {
    const token = newToken();
    const value = sent(signed.serialize(token)).slice('sessid='.length);
    const [, signature] = value.split('.') as [string, string];
    const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A');
    const cases = [
      `sessid=${token}`,
      `sessid=${token}.`,
      `sessid=${token}.${flipped}`,
      `sessid=${value.slice(0, -1)}`,
      `sessid=${value}A`,
      `sessid=${newToken()}.${signature}`,
      `sessid=${token.slice(0, 42)}.${signature}`,
      `sessid=${token}.${'é'.repeat(21)}A`,
      `sessid=${token}.${signature.slice(0, 40)}é`,
      `sessid=${token}..${signature.slice(1)}`,
    ];
    for (const header of cases) expect(signed.read(header), header).toBeUndefined();
    expect(signed.read(`sessid=${value}`)).toBe(token);
  });

  it('refuses a signed cookie when signing is off', () => {
    const token = newToken();
    expect(unsigned.read(sent(signed.serialize(token)))).toBeUndefined();
  });

  it('rotates secrets: the first signs, all verify, a removed one no longer does', () => {
    const token = newToken();
    const old = new CookieManager({ secrets: [SECRET_A] });
    const rotated = new CookieManager({ secrets: [SECRET_B, SECRET_A] });
    const retired = new CookieManager({ secrets: [SECRET_B] });
    const oldCookie = sent(old.serialize(token));
    const newCookie = sent(rotated.serialize(token));
    expect(newCookie).not.toBe(oldCookie);
    expect(rotated.read(oldCookie)).toBe(token);
    expect(rotated.read(newCookie)).toBe(token);
    expect(retired.read(newCookie)).toBe(token);
    expect(retired.read(oldCookie)).toBeUndefined();
    expect(old.read(newCookie)).toBeUndefined();
  });

  it('finds a valid value among junk duplicates, but scans at most 8 candidates', () => {
    const token = newToken();
    const junk = (n: number) => Array.from({ length: n }, (_, i) => `sessid=junk${i}`);
    expect(unsigned.read([...junk(7), `sessid=${token}`].join('; '))).toBe(token);
    expect(unsigned.read([...junk(3), `other=1`, `sessid=${token}`, ...junk(3)].join('; '))).toBe(token);
    expect(unsigned.read([...junk(8), `sessid=${token}`].join('; '))).toBeUndefined();
    // Other cookies do not count as candidates.
    const others = Array.from({ length: 50 }, (_, i) => `c${i}=v`);
    expect(unsigned.read([...others, `sessid=${token}`].join('; '))).toBe(token);
  });

  it('stays fast on a huge header of pairs without "="', () => {
    const token = newToken();
    const header = `${'x;'.repeat(200_000)}sessid=${token}`;
    const started = performance.now();
    expect(unsigned.read(header)).toBe(token);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('never throws on any string, and returns only well-formed tokens', () => {
    const token = newToken();
    const signedValue = sent(signed.serialize(token));
    const header = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc
        .array(
          fc.oneof(
            fc.constant(`sessid=${token}`),
            fc.constant(signedValue),
            fc.string({ maxLength: 90 }).map((value) => `sessid=${value}`),
            fc.string({ maxLength: 20 }),
            fc.stringMatching(/^[A-Za-z0-9_.-]{40,90}$/).map((value) => `sessid=${value}`),
          ),
          { maxLength: 12 },
        )
        .chain((pairs) => fc.constantFrom('; ', ';', ' ; ').map((separator) => pairs.join(separator))),
    );
    // Headers that yield the issued token and headers that yield none: both must come up.
    const outcomes = { signedToken: 0, unsignedToken: 0, none: 0 };
    fc.assert(
      fc.property(header, (value) => {
        for (const cookies of [unsigned, signed]) {
          const result = cookies.read(value);
          if (result !== undefined) expect(isWellFormedToken(result)).toBe(true);
        }
        const fromSigned = signed.read(value);
        if (fromSigned !== undefined) expect(fromSigned).toBe(token);
        if (fromSigned !== undefined) outcomes.signedToken++;
        if (unsigned.read(value) === token) outcomes.unsignedToken++;
        if (fromSigned === undefined && unsigned.read(value) === undefined) outcomes.none++;
      }),
      { numRuns: 500 },
    );
    expect(outcomes.signedToken).toBeGreaterThan(25);
    expect(outcomes.unsignedToken).toBeGreaterThan(25);
    expect(outcomes.none).toBeGreaterThan(25);
  });
});

describe('CookieManager version hint', () => {
  const cookies = new CookieManager();
  const token = newToken();

  it('carries the version the client was shown, and reads it back', () => {
    const value = sent(cookies.serialize(token, 42));
    expect(value).toBe(`sessid=${token}~42`);
    expect(cookies.readState(value)).toEqual({ token, version: 42, key: sessionKey(token) });
    expect(cookies.read(value)).toBe(token);
  });

  it('treats a missing or malformed hint as 0 without losing the session', () => {
    expect(cookies.readState(`sessid=${token}`)).toEqual({ token, version: 0, key: sessionKey(token) });
    for (const hint of ['', 'x', '-1', '1.5', '1e9']) {
      expect(cookies.readState(`sessid=${token}~${hint}`)?.version).toBe(0);
    }
  });

  it('never lets the hint stand in for a signature', () => {
    const signed = new CookieManager({ secrets: ['0123456789abcdef0123'] });
    const forged = `sessid=${token}~7`;
    expect(signed.readState(forged)).toBeUndefined();
    const good = sent(signed.serialize(token, 7));
    expect(signed.readState(good)).toEqual({ token, version: 7, key: sessionKey(token) });
  });
});

describe('CookieManager cache of verified values', () => {
  const secrets = [SECRET_A];

  it('never caches a forged cookie as valid, however often it comes', () => {
    const cookies = new CookieManager({ secrets });
    const token = newToken();
    const good = sent(cookies.serialize(token, 3)).slice('sessid='.length);
    const signature = good.slice(44, 44 + 43);
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    const forged = `sessid=${token}.${flipped}~3`;
    for (let i = 0; i < 3; i++) expect(cookies.readState(forged)).toBeUndefined();
    // a raised hint under a good signature is a forgery too, before and after the good value is cached
    expect(cookies.readState(`sessid=${good.replace('~3', '~4')}`)).toBeUndefined();
    expect(cookies.readState(`sessid=${good}`)).toEqual({ token, version: 3, key: sessionKey(token) });
    expect(cookies.readState(`sessid=${good.replace('~3', '~4')}`)).toBeUndefined();
    expect(cookies.readState(forged)).toBeUndefined();
  });

  it('reads a value it issued, or verified before, the same as a fresh check', () => {
    const issuer = new CookieManager({ secrets });
    const reader = new CookieManager({ secrets });
    const token = newToken();
    const value = sent(issuer.serialize(token, 9));
    expect(issuer.readState(value)).toEqual(reader.readState(value));
    expect(reader.readState(value)).toEqual({ token, version: 9, key: sessionKey(token) });
  });

  it('stays bounded: old values are checked again, and still read the same', () => {
    const cookies = new CookieManager({ secrets });
    const first = newToken();
    const firstValue = sent(cookies.serialize(first, 1));
    for (let i = 0; i < 5000; i++) cookies.serialize(newToken(), 1);
    expect(cookies.readState(firstValue)).toEqual({ token: first, version: 1, key: sessionKey(first) });
  });
});
