import { createHash, randomBytes } from 'node:crypto';

/** Random bytes in a token: 256 bits. */
export const TOKEN_BYTES = 32;
/** Length of a token in base64url: 43 characters. */
export const TOKEN_LENGTH = 43;

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A fresh session token: 32 random bytes, base64url. It lives only in the cookie. */
export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

export function isWellFormedToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

/**
 * The session key: SHA-256 of the token, base64url. Cache keys, Datastore keys, events,
 * task names and logs use this, never the token, so nothing at rest can be replayed as a cookie.
 */
export function sessionKey(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
