import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CookieManager } from './cookie.js';
import { newToken, sessionKey } from '@gaesession/core';

const SECRETS = ['fuzz-secret-one-0123456789', 'fuzz-secret-two-0123456789'];
const managers = { unsigned: new CookieManager(), signed: new CookieManager({ secrets: SECRETS }) };

/** The `name=value` part of a Set-Cookie value. */
const sent = (setCookie: string) => setCookie.split(';')[0] ?? '';
const token = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('base64url'));
const version = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1000 }), fc.constant(999_999_999_999_999));
/** The kinds of cookie pair that are never a valid session cookie, each tagged with its kind. */
const JUNK_KINDS = ['candidate', 'unnamed', 'fixed'] as const;
type JunkKind = (typeof JUNK_KINDS)[number];
interface Junk {
  readonly kind: JunkKind;
  readonly pair: string;
}
/** Named "sessid" with a value no manager issued: a candidate the reader must look at and refuse. */
const candidateJunk = fc
  .string({ maxLength: 30 })
  .map((value): Junk => ({ kind: 'candidate', pair: `sessid=${value.replaceAll(';', '')}` }));
/** Anything else: a random pair (mostly without "sessid" as its name), or a few fixed oddities. */
const otherJunk = fc.oneof(
  fc.string({ maxLength: 20 }).map((value): Junk => ({ kind: 'unnamed', pair: value.replaceAll(';', '') })),
  fc.constantFrom('sessid=', 'sessid', '=', ' ', 'SESSID=x', 'other=1').map((pair): Junk => ({ kind: 'fixed', pair })),
);
/** A candidate: exactly the pairs named "sessid" (spaces around the name aside). */
const isCandidate = (pair: string) => pair.includes('=') && pair.slice(0, pair.indexOf('=')).trim() === 'sessid';

/**
 * Property tests do a fixed number of runs of CPU-bound work: a few hundred milliseconds on an
 * idle machine, several seconds on a busy 2-core one. Their time limit only catches a hang, so it
 * is not the 5 s default.
 */
const FUZZ = { timeout: 60_000 };

describe('CookieManager (fuzz)', FUZZ, () => {
  it('reads back exactly the token and version it wrote, for any token and version', () => {
    fc.assert(
      fc.property(token, version, fc.constantFrom<keyof typeof managers>('unsigned', 'signed'), (t, v, kind) => {
        const cookies = managers[kind];
        expect(cookies.readState(sent(cookies.serialize(t, v)))).toEqual({ token: t, version: v, key: sessionKey(t) });
      }),
      { numRuns: 1000 },
    );
  });

  it('finds the issued cookie among junk pairs in any order, exactly when it is among the first 8 candidates', () => {
    // How many runs had the issued cookie found and refused, and which kinds of junk came before it.
    const outcomes = { found: 0, refused: 0 };
    const kindsBefore = new Map<JunkKind, number>();
    fc.assert(
      fc.property(
        token,
        version,
        // Candidates before the issued cookie: 0 to 12, so both sides of the limit of 8 come up.
        fc.array(candidateJunk, { maxLength: 12 }),
        fc.array(otherJunk, { maxLength: 6 }),
        fc.array(fc.oneof(candidateJunk, otherJunk), { maxLength: 6 }),
        fc.nat(),
        fc.constantFrom('; ', ';', ' ; '),
        fc.constantFrom<keyof typeof managers>('unsigned', 'signed'),
        (t, v, candidates, others, after, at, separator, kind) => {
          const cookies = managers[kind];
          // The other junk goes anywhere among the candidates.
          const before = [...candidates];
          for (const [i, junk] of others.entries()) before.splice((at + i) % (before.length + 1), 0, junk);
          const all = [...before, { kind: 'candidate', pair: sent(cookies.serialize(t, v)) }, ...after];
          const candidatesBefore = before.filter((junk) => isCandidate(junk.pair)).length;
          for (const junk of before) kindsBefore.set(junk.kind, (kindsBefore.get(junk.kind) ?? 0) + 1);
          const state = cookies.readState(all.map((junk) => junk.pair).join(separator));
          if (candidatesBefore < 8) {
            outcomes.found++;
            expect(state).toEqual({ token: t, version: v, key: sessionKey(t) });
          } else {
            outcomes.refused++;
            expect(state).toBeUndefined();
          }
        },
      ),
      { numRuns: 1000 },
    );
    // Both outcomes, and every kind of junk ahead of the issued cookie, were exercised.
    expect(outcomes.found).toBeGreaterThan(100);
    expect(outcomes.refused).toBeGreaterThan(100);
    for (const kind of JUNK_KINDS) expect(kindsBefore.get(kind) ?? 0).toBeGreaterThan(100);
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
    // Hints read as a version, hints read as none (0), and overlong values (no session): all must come up.
    const read = { version: 0, none: 0, refused: 0 };
    const hint = fc.oneof(
      fc.nat().map(String),
      fc.string({ maxLength: 20 }),
      fc.stringMatching(/^[0-9]{16,20}$/), // longer than any version hint: the value is overlong
    );
    fc.assert(
      fc.property(token, hint, (t, h) => {
        fc.pre(!h.includes(';'));
        const state = cookies.readState(`sessid=${t}~${h}`);
        if (state === undefined) {
          read.refused++;
          // Only a value longer than a token, "~" and 15 digits is refused outright.
          expect(h.trimEnd().length).toBeGreaterThan(15);
          return;
        }
        expect(state.token).toBe(t);
        expect(Number.isSafeInteger(state.version) && state.version >= 0).toBe(true);
        if (state.version > 0) read.version++;
        else read.none++;
      }),
      { numRuns: 1000 },
    );
    expect(read.version).toBeGreaterThan(50);
    expect(read.none).toBeGreaterThan(50);
    expect(read.refused).toBeGreaterThan(50);
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
