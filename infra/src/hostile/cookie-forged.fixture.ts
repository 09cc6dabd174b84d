// Forged, wrongly signed, replayed and duplicated session cookies (not built, not a test file itself).
import { randomBytes } from 'node:crypto';
import { newToken, sessionKey } from '@gaesession/core';
import { COOKIE_NAME } from './web.fixture.js';
import {
  credential,
  hmac,
  NONE,
  pair,
  the,
  type CookieCase,
  type CookieContext,
  type Expected,
} from './cookie-context.fixture.js';

/** Well-formed cookies the server did not issue, no longer honours, or sent in bulk. */
export function forgedCookieCases(ctx: CookieContext): CookieCase[] {
  return [...forgedCases(ctx), ...signatureCases(ctx), ...replayedCases(ctx), ...duplicateCases(ctx)];
}

function forgedCases({ victim, victimVersion, other, signed }: CookieContext): CookieCase[] {
  const token = victim.token;
  const flip = (at: number) => token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
  const cases: [string, string][] = [
    ...Array.from({ length: 20 }, (_, i): [string, string] => [`random token #${i}`, newToken()]),
    ...Array.from({ length: 10 }, (_, i): [string, string] => [
      `random token #${i} with a version hint`,
      `${newToken()}~${i + 1}`,
    ]),
    ['random token with the largest hint', `${newToken()}~999999999999999`],
    ['the session id (a hash) as token', victim.id],
    ['the session id with a hint', `${victim.id}~1`],
    ['the hash of the session id', sessionKey(victim.id)],
    ['one character changed at 0', flip(0)],
    ['one character changed at 42', flip(42)],
    ['upper-cased token', token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase()],
    [
      'another session’s token with this one’s signature',
      signed ? `${other.token}.${credential(victim.value).slice(44)}` : `${other.token}.${newToken()}`,
    ],
  ];
  const forged: CookieCase[] = cases.map(([name, value]) => ({
    target: 'forged',
    name,
    cookies: [pair(value)],
    expected: NONE,
  }));
  // A version hint is the client's claim, never a credential. Signed, it is signed with the token:
  // any other hint is no session. Unsigned, a lower or malformed one still finds the session, and
  // a higher one can only make its own holder wait (see Expected).
  for (const hint of ['', '0', '1', String(victimVersion), '999999', '999999999999999', '-1', 'x']) {
    const claimed = /^\d{1,15}$/.test(hint) ? Number(hint) : 0;
    const expected: Expected = signed
      ? hint === String(victimVersion)
        ? the(victim.id)
        : NONE
      : claimed > victimVersion
        ? { kind: 'own-or-wait', id: victim.id }
        : the(victim.id);
    forged.push({
      target: 'forged',
      name: `real cookie with version hint "${hint}"`,
      cookies: [pair(`${credential(victim.value)}~${hint}`)],
      expected,
    });
  }
  return forged;
}

/** Signed apps: signatures made with other secrets, or missing. Unsigned apps: signed-looking values. */
function signatureCases({ victim, signed }: CookieContext): CookieCase[] {
  const token = victim.token;
  const values: [string, string][] = signed
    ? [
        ...Array.from({ length: 5 }, (_, i): [string, string] => [
          `signed with wrong secret #${i}`,
          `${token}.${hmac(randomBytes(24).toString('hex'), token)}`,
        ]),
        ['no signature', token],
        ['empty signature', `${token}.`],
        ['random signature', `${token}.${newToken()}`],
        ['signature of the token’s hash', `${token}.${hmac('x'.repeat(32), sessionKey(token))}`],
        ['signature doubled', `${credential(victim.value)}${credential(victim.value).slice(43)}`],
        ['two dots', `${token}..${credential(victim.value).slice(45)}`],
      ]
    : [
        ['a signed-looking value', `${token}.${newToken()}`],
        ['signed with some secret', `${token}.${hmac('x'.repeat(32), token)}`],
      ];
  return values.map(([name, value]) => ({ target: 'wrongly signed', name, cookies: [pair(value)], expected: NONE }));
}

function replayedCases({ loggedOut, purged, regenerated }: CookieContext): CookieCase[] {
  return [
    // A browser coming back after its session was purged: no session at once, and a cleared cookie.
    { name: 'after its session was purged', cookies: [purged.pair], expected: NONE },
    {
      name: 'after its session was purged, with a higher hint',
      cookies: [pair(`${credential(purged.value)}~99`)],
      expected: NONE,
    },
    { name: 'after logout', cookies: [loggedOut.pair], expected: NONE },
    { name: 'after logout, without its hint', cookies: [pair(credential(loggedOut.value))], expected: NONE },
    { name: 'after logout, with a higher hint', cookies: [pair(`${credential(loggedOut.value)}~99`)], expected: NONE },
    { name: 'after regenerate (old token)', cookies: [regenerated.before.pair], expected: NONE },
    {
      name: 'after regenerate, without its hint',
      cookies: [pair(credential(regenerated.before.value))],
      expected: NONE,
    },
    {
      name: 'after regenerate (new token)',
      cookies: [regenerated.after.pair],
      expected: the(regenerated.after.id),
    },
    // The first genuine token is the one looked up, and it is dead (a browser never holds both).
    {
      name: 'old and new token after regenerate',
      cookies: [`${regenerated.before.pair}; ${regenerated.after.pair}`],
      expected: NONE,
    },
  ].map((c) => ({ target: 'replayed', ...c }));
}

/**
 * Node joins repeated Cookie headers with "; ". The parser looks at the first 8 `sessid` pairs
 * only (a sane browser sends one): a valid pair further on reads as no session, never as an error.
 */
function duplicateCases({ victim, other, signed }: CookieContext): CookieCase[] {
  // Never well-formed: a well-formed unknown token is a candidate of its own (see below).
  const junk = (i: number) => pair(i % 2 === 0 ? newToken().slice(1) : `junk${i}`);
  const cases: CookieCase[] = [];
  for (const at of [0, 3, 7, 8, 50, 99]) {
    const pairs = Array.from({ length: 100 }, (_, i) => (i === at ? victim.pair : junk(i)));
    const expected: Expected = at < 8 ? the(victim.id) : NONE;
    cases.push({ target: 'duplicates', name: `100 Cookie headers, valid at ${at}`, cookies: pairs, expected });
    cases.push({
      target: 'duplicates',
      name: `one header of 100 pairs, valid at ${at}`,
      cookies: [pairs.join('; ')],
      expected,
    });
  }
  cases.push(
    {
      target: 'duplicates',
      name: 'the same cookie 100 times',
      cookies: [Array(100).fill(victim.pair).join('; ')],
      expected: the(victim.id),
    },
    // Two valid cookies: the client holds both tokens; the first one counts.
    {
      target: 'duplicates',
      name: 'two sessions, other first',
      cookies: [`${other.pair}; ${victim.pair}`],
      expected: the(other.id),
    },
    // Unsigned, the first well-formed token is the one looked up; signed, the first genuine one.
    {
      target: 'duplicates',
      name: 'an unknown well-formed token first',
      cookies: [`${pair(newToken())}; ${victim.pair}`],
      expected: signed ? the(victim.id) : NONE,
    },
    { target: 'duplicates', name: 'comma-joined pairs', cookies: [`${victim.pair},${other.pair}`], expected: NONE },
    { target: 'duplicates', name: 'upper-case name', cookies: [`SESSID=${victim.value}`], expected: NONE },
    {
      target: 'duplicates',
      name: 'spaces around the name',
      cookies: [`  ${COOKIE_NAME}  =${victim.value}`],
      expected: the(victim.id),
    },
  );
  return cases;
}
