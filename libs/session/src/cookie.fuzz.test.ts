import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CookieManager } from './cookie.js';
import { newToken } from '@gaesession/core';

const SECRETS = ['fuzz-secret-one-0123456789', 'fuzz-secret-two-0123456789'];
const managers = { unsigned: new CookieManager(), signed: new CookieManager({ secrets: SECRETS }) };

/** The `name=value` part of a Set-Cookie value. */
const sent = (setCookie: string) => setCookie.split(';')[0] ?? '';
const token = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('base64url'));
const version = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1000 }), fc.constant(999_999_999_999_999));
/** A cookie pair that is never a valid session cookie (wrong name, or a value no manager issued). */
const junk = fc.oneof(
  fc.string({ maxLength: 30 }).map((value) => `sessid=${value.replaceAll(';', '')}`),
  fc.string({ maxLength: 20 }).map((value) => value.replaceAll(';', '')),
  fc.constantFrom('sessid=', 'sessid', '=', ' ', 'SESSID=x', 'other=1'),
);

describe('CookieManager (fuzz)', () => {
  it('reads back exactly the token and version it wrote, for any token and version', () => {
    fc.assert(
      fc.property(token, version, fc.constantFrom<keyof typeof managers>('unsigned', 'signed'), (t, v, kind) => {
        const cookies = managers[kind];
        expect(cookies.readState(sent(cookies.serialize(t, v)))).toEqual({ token: t, version: v });
      }),
      { numRuns: 1000 },
    );
  });

  it('finds the issued cookie among junk pairs in any order, exactly when it is among the first 8 candidates', () => {
    fc.assert(
      fc.property(
        token,
        version,
        fc.array(junk, { maxLength: 14 }),
        fc.nat(),
        fc.constantFrom('; ', ';', ' ; '),
        fc.constantFrom<keyof typeof managers>('unsigned', 'signed'),
        (t, v, pairs, at, separator, kind) => {
          const cookies = managers[kind];
          const position = pairs.length === 0 ? 0 : at % (pairs.length + 1);
          const all = [...pairs.slice(0, position), sent(cookies.serialize(t, v)), ...pairs.slice(position)];
          // A candidate is any pair named exactly "sessid" (spaces around the name aside).
          const candidatesBefore = pairs
            .slice(0, position)
            .filter((pair) => pair.includes('=') && pair.slice(0, pair.indexOf('=')).trim() === 'sessid').length;
          const state = cookies.readState(all.join(separator));
          if (candidatesBefore < 8) expect(state).toEqual({ token: t, version: v });
          else expect(state).toBeUndefined();
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('signed: any change to an issued value (token, signature or version hint) makes it no session', () => {
    const cookies = managers.signed;
    fc.assert(
      fc.property(
        token,
        fc.integer({ min: 1, max: 10_000 }),
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 3 }),
        (t, v, at, insert) => {
          const value = sent(cookies.serialize(t, v)).slice('sessid='.length);
          const where = at % (value.length + 1);
          const changed = value.slice(0, where) + insert + value.slice(where + 1);
          fc.pre(changed.trim() !== value && !changed.includes(';'));
          expect(cookies.readState(`sessid=${changed}`)).toBeUndefined();
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('unsigned: a changed version hint never changes the token it reads', () => {
    const cookies = managers.unsigned;
    fc.assert(
      fc.property(token, fc.string({ maxLength: 20 }), (t, hint) => {
        fc.pre(!hint.includes(';'));
        const state = cookies.readState(`sessid=${t}~${hint}`);
        if (state !== undefined) {
          expect(state.token).toBe(t);
          expect(Number.isSafeInteger(state.version) && state.version >= 0).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('never reads a token out of a header that does not hold one it issued', () => {
    const issued = newToken();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (header) => {
        fc.pre(!header.includes(issued));
        expect(managers.signed.readState(header)).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });
});
