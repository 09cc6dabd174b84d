// The sessions hostile cookies are built from, what each may yield, and small helpers (not
// built, not a test file itself).
import { createHmac } from 'node:crypto';
import { COOKIE_NAME, type Issued } from './web.fixture.js';

/**
 * What a hostile cookie may yield: no session at all, or exactly this session. `own-or-wait`:
 * an unsigned cookie whose holder raised its own version hint above the session's version (the
 * hint is unauthenticated without COOKIE_SECRETS): that session, or after the bounded catch-up
 * wait a typed 503 SESSION_UNAVAILABLE, for that client only.
 */
export type Expected =
  | { readonly kind: 'none' }
  | { readonly kind: 'session'; readonly id: string }
  | { readonly kind: 'own-or-wait'; readonly id: string };

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
  /** A live session, at version {@link victimVersion} (two digits, so hints can be cut short). */
  readonly victim: Issued;
  readonly victimVersion: number;
  /** Another live session. */
  readonly other: Issued;
  /** A session that has logged out. */
  readonly loggedOut: Issued;
  /** A session that expired and was purged: gone from the cache and from Datastore. */
  readonly purged: Issued;
  /** A session before and after `POST /api/regenerate`. */
  readonly regenerated: { readonly before: Issued; readonly after: Issued };
}

export const NONE: Expected = { kind: 'none' };
/** Exactly the session `id`. */
export const the = (id: string): Expected => ({ kind: 'session', id });
export const pair = (value: string) => `${COOKIE_NAME}=${value}`;
/** UTF-8 bytes as a latin1 string, the way they travel in a header. */
export const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
/** The token and signature of a cookie value, without the version hint. */
export const credential = (value: string) => value.split('~')[0] ?? '';
export const hmac = (secret: string, token: string) => createHmac('sha256', secret).update(token).digest('base64url');
