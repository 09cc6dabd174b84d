// Hostile Cookie headers for GET /api/session, each with the only answer it may get (not built,
// not a test file itself).
import { createHmac, randomBytes } from 'node:crypto';
import { newToken, sessionKey } from '@gaesession/session';
import { COOKIE_NAME, type Issued } from './web.fixture.js';

/** What a hostile cookie may yield: no session at all, or exactly this session. */
export type Expected = { readonly kind: 'none' } | { readonly kind: 'session'; readonly id: string };

export interface CookieCase {
  /** The group the report counts it under. */
  readonly target: string;
  readonly name: string;
  /** Cookie header lines, each a string of bytes (latin1); none sends no Cookie header. */
  readonly cookies: readonly string[];
  readonly expected: Expected;
  /** Node's HTTP parser refuses it before the app sees it (400 or 431): a clear answer too. */
  readonly parserMayRefuse?: boolean;
}

/** The sessions the cases are built from. */
export interface CookieContext {
  readonly signed: boolean;
  /** A live session. */
  readonly victim: Issued;
  /** Another live session. */
  readonly other: Issued;
  /** A session that has logged out. */
  readonly loggedOut: Issued;
  /** A session before and after `POST /api/regenerate`. */
  readonly regenerated: { readonly before: Issued; readonly after: Issued };
}

const NONE: Expected = { kind: 'none' };
const pair = (value: string) => `${COOKIE_NAME}=${value}`;
/** UTF-8 bytes as a latin1 string, the way they travel in a header. */
const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
/** The token and signature of a cookie value, without the version hint. */
const credential = (value: string) => value.split('~')[0] ?? '';
const hmac = (secret: string, token: string) => createHmac('sha256', secret).update(token).digest('base64url');

export function cookieCases(ctx: CookieContext): CookieCase[] {
  return [
    ...emptyCases(ctx),
    ...oversizedCases(ctx),
    ...charsetCases(ctx),
    ...truncatedCases(ctx),
    ...forgedCases(ctx),
    ...signatureCases(ctx),
    ...replayedCases(ctx),
    ...duplicateCases(ctx),
  ];
}

function emptyCases({ victim }: CookieContext): CookieCase[] {
  const values = ['', ' ', 'sessid', 'sessid=', 'sessid= ', '=', ';;;;', '=;=;=', 'sessid=;sessid=', 'sessid=""', '""'];
  return [
    { target: 'empty', name: 'no Cookie header', cookies: [], expected: NONE },
    ...values.map((value) => ({ target: 'empty', name: JSON.stringify(value), cookies: [value], expected: NONE })),
    // An empty candidate does not hide a valid one after it.
    {
      target: 'empty',
      name: 'empty then valid',
      cookies: [`sessid=; ${victim.pair}`],
      expected: { kind: 'session', id: victim.id },
    },
  ];
}

function oversizedCases({ victim }: CookieContext): CookieCase[] {
  const junk8k = Array.from({ length: 400 }, (_, i) => `c${i}=${'v'.repeat(14)}`).join('; ');
  const mine: Expected = { kind: 'session', id: victim.id };
  return [
    { name: '8 KiB of A', cookies: [pair('A'.repeat(8192))], expected: NONE },
    { name: '8 KiB of base64url', cookies: [pair(randomBytes(6144).toString('base64url'))], expected: NONE },
    { name: 'valid value glued to 8 KiB', cookies: [pair(victim.value + 'A'.repeat(8192))], expected: NONE },
    {
      name: 'valid value with an 8 KiB hint',
      cookies: [pair(`${credential(victim.value)}~${'9'.repeat(8192)}`)],
      expected: NONE,
    },
    { name: '8 KiB of other cookies, then valid', cookies: [`${junk8k}; ${victim.pair}`], expected: mine },
    { name: 'valid, then 8 KiB of other cookies', cookies: [`${victim.pair}; ${junk8k}`], expected: mine },
    { name: '8 KiB of ";" then valid', cookies: [`${';'.repeat(8192)}${victim.pair}`], expected: mine },
    {
      name: '20 KiB header (over Node’s 16 KiB)',
      cookies: [pair('A'.repeat(20_480))],
      expected: NONE,
      parserMayRefuse: true,
    },
  ].map((c) => ({ target: 'oversized', ...c }));
}

function charsetCases({ victim }: CookieContext): CookieCase[] {
  const bad: [string, string][] = [
    ['NUL', '\x00'],
    ['SOH', '\x01'],
    ['BS', '\x08'],
    ['VT', '\x0b'],
    ['FF', '\x0c'],
    ['ESC', '\x1b'],
    ['US', '\x1f'],
    ['DEL', '\x7f'],
    ['latin1 0x80', '\x80'],
    ['latin1 0xe9', '\xe9'],
    ['latin1 0xff', '\xff'],
    ['UTF-8 é', utf8('é')],
    ['UTF-8 emoji', utf8('😀')],
    ['UTF-8 BOM', utf8('\ufeff')],
    ['space', ' '],
    ['quote', '"'],
    ['comma', ','],
    ['backslash', '\\'],
    ['plus', '+'],
    ['slash', '/'],
    ['equals', '='],
  ];
  const token = credential(victim.value);
  const cases: CookieCase[] = [];
  for (const [what, char] of bad) {
    for (const at of [0, 21, 42]) {
      const value = token.slice(0, at) + char + token.slice(at + 1);
      cases.push({
        target: 'charset',
        name: `${what} replacing char ${at}`,
        cookies: [pair(value)],
        expected: NONE,
        parserMayRefuse: true,
      });
    }
    cases.push({
      target: 'charset',
      name: `${what} inserted at 21`,
      cookies: [pair(token.slice(0, 21) + char + token.slice(21))],
      expected: NONE,
      parserMayRefuse: true,
    });
    cases.push({
      target: 'charset',
      name: `${what} in the name`,
      cookies: [`sess${char}id=${victim.value}`],
      expected: NONE,
      parserMayRefuse: true,
    });
  }
  // Whitespace around a value is not part of it (RFC 6265 trims it): the session may still be found.
  for (const [what, char] of [
    ['tab', '\t'],
    ['space', ' '],
    ['latin1 NBSP', '\xa0'],
  ] as const) {
    cases.push({
      target: 'charset',
      name: `${what} around a valid value`,
      cookies: [`${COOKIE_NAME}=${char}${victim.value}${char}`],
      expected: { kind: 'session', id: victim.id },
      parserMayRefuse: true,
    });
  }
  return cases;
}

/** Every proper prefix of the victim's cookie value: no session, unless the token (and signature) is whole. */
function truncatedCases({ victim }: CookieContext): CookieCase[] {
  const whole = credential(victim.value);
  const value = `${whole}~12345`;
  return Array.from({ length: value.length }, (_, length) => {
    const cut = value.slice(0, length);
    const intact = cut.startsWith(whole) && (cut.length === whole.length || cut[whole.length] === '~');
    return {
      target: 'truncated',
      name: `first ${length} characters`,
      cookies: [pair(cut)],
      expected: intact ? { kind: 'session', id: victim.id } : NONE,
    };
  });
}

function forgedCases({ victim, other, signed }: CookieContext): CookieCase[] {
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
  // A version hint is the client's claim, never a credential: any hint on a real cookie still finds that session.
  for (const hint of ['0', '1', '999999', '999999999999999', '-1', 'x']) {
    forged.push({
      target: 'forged',
      name: `real cookie with version hint ${hint}`,
      cookies: [pair(`${credential(victim.value)}~${hint}`)],
      expected: { kind: 'session', id: victim.id },
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

function replayedCases({ loggedOut, regenerated }: CookieContext): CookieCase[] {
  return [
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
      expected: { kind: 'session', id: regenerated.after.id },
    },
    {
      name: 'old and new token after regenerate',
      cookies: [`${regenerated.before.pair}; ${regenerated.after.pair}`],
      expected: { kind: 'session', id: regenerated.after.id },
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
    const expected: Expected = at < 8 ? { kind: 'session', id: victim.id } : NONE;
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
      expected: { kind: 'session', id: victim.id },
    },
    // Two valid cookies: the client holds both tokens; the first one counts.
    {
      target: 'duplicates',
      name: 'two sessions, other first',
      cookies: [`${other.pair}; ${victim.pair}`],
      expected: { kind: 'session', id: other.id },
    },
    // Unsigned, the first well-formed token is the one looked up; signed, the first genuine one.
    {
      target: 'duplicates',
      name: 'an unknown well-formed token first',
      cookies: [`${pair(newToken())}; ${victim.pair}`],
      expected: signed ? { kind: 'session', id: victim.id } : NONE,
    },
    { target: 'duplicates', name: 'comma-joined pairs', cookies: [`${victim.pair},${other.pair}`], expected: NONE },
    { target: 'duplicates', name: 'upper-case name', cookies: [`SESSID=${victim.value}`], expected: NONE },
    {
      target: 'duplicates',
      name: 'spaces around the name',
      cookies: [`  ${COOKIE_NAME}  =${victim.value}`],
      expected: { kind: 'session', id: victim.id },
    },
  );
  return cases;
}
