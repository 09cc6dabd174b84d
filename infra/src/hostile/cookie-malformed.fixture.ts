// Malformed Cookie headers: empty, oversized, wrong charset, truncated (not built, not a test
// file itself).
import { randomBytes } from 'node:crypto';
import { COOKIE_NAME } from './web.fixture.js';
import {
  credential,
  NONE,
  pair,
  the,
  utf8,
  type CookieCase,
  type CookieContext,
  type Expected,
} from './cookie-context.fixture.js';

/** Cookie headers that are not a well-formed session cookie, or hide one among junk. */
export function malformedCases(ctx: CookieContext): CookieCase[] {
  return [...emptyCases(ctx), ...oversizedCases(ctx), ...charsetCases(ctx), ...truncatedCases(ctx)];
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
      expected: the(victim.id),
    },
  ];
}

function oversizedCases({ victim }: CookieContext): CookieCase[] {
  const junk8k = Array.from({ length: 400 }, (_, i) => `c${i}=${'v'.repeat(14)}`).join('; ');
  const mine: Expected = the(victim.id);
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
      expected: the(victim.id),
      parserMayRefuse: true,
    });
  }
  return cases;
}

/**
 * Every proper prefix of the victim's cookie value. Unsigned, the token alone still finds the
 * session (a shortened hint only claims an older version); signed, the signature covers the hint,
 * so any cut is no session.
 */
function truncatedCases({ victim, signed }: CookieContext): CookieCase[] {
  const value = victim.value;
  return Array.from({ length: value.length }, (_, length) => {
    const cut = value.slice(0, length);
    const intact = !signed && cut.length >= 43 && (cut.length === 43 || cut[43] === '~');
    return {
      target: 'truncated',
      name: `first ${length} characters`,
      cookies: [pair(cut)],
      expected: intact ? the(victim.id) : NONE,
    };
  });
}
