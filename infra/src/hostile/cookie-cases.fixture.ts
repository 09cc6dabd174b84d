// Hostile Cookie headers for GET /api/session, each with the only answer it may get (not built,
// not a test file itself).
import type { CookieCase, CookieContext } from './cookie-context.fixture.js';
import { forgedCookieCases } from './cookie-forged.fixture.js';
import { malformedCases } from './cookie-malformed.fixture.js';

export type { CookieCase, CookieContext, Expected } from './cookie-context.fixture.js';

export function cookieCases(ctx: CookieContext): CookieCase[] {
  return [...malformedCases(ctx), ...forgedCookieCases(ctx)];
}
