import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigurationError, isWellFormedToken, sessionKey, TOKEN_LENGTH, withDefaults } from '@gaesession/core';
import { Lru } from './lru.js';

export type SameSite = 'Strict' | 'Lax' | 'None';

export interface CookieOptions {
  /**
   * Cookie name. A `__Host-` name requires Secure, Path=/ and no domain; `__Secure-` requires Secure.
   * @defaultValue `"sessid"` (as in icza/session)
   */
  name?: string;
  /**
   * Send the cookie over plain HTTP too. Off by default: the cookie is `Secure`. Turn it on only
   * for local development over http://.
   * @defaultValue false
   */
  allowHttp?: boolean;
  /** @defaultValue `"Lax"` */
  sameSite?: SameSite;
  /** Cookie path: printable ASCII, no `;`. @defaultValue `"/"` */
  path?: string;
  /** Cookie domain (letters, digits, `.` and `-`); omitted (a host-only cookie) by default. */
  domain?: string;
  /**
   * Cookie lifetime in ms, at least 1000 (it is sent in whole seconds); the session's own idle
   * timeout still applies. @defaultValue 30 days
   */
  maxAge?: number;
  /**
   * Secrets for signing the cookie: the first signs, all verify, so a secret can be rotated by
   * putting the new one first. Unsigned when empty (the token is already unguessable; signing
   * adds a second secret an attacker would need, and covers the version hint too, so a client
   * cannot raise it: unsigned, a raised hint can make that client's own reads wait, see
   * `catchUpTimeoutMs`).
   * @defaultValue []
   */
  secrets?: readonly string[];
}

/** The defaults of {@link CookieOptions}. */
export const COOKIE_DEFAULTS: Readonly<Required<Omit<CookieOptions, 'domain'>>> = {
  name: 'sessid',
  allowHttp: false,
  sameSite: 'Lax',
  path: '/',
  maxAge: 30 * 24 * 60 * 60 * 1000,
  secrets: [],
};
const SIGNATURE_LENGTH = 43;
/** Between the (signed) token and the version hint; `~` is a valid cookie octet outside base64url. */
const VERSION_SEPARATOR = '~';
const MAX_VERSION_DIGITS = 15;

/** What a valid session cookie carries. */
export interface CookieState {
  readonly token: string;
  /** The session version the client was last shown; 0 when unknown. */
  readonly version: number;
  /** The session key: SHA-256 of the token (`sessionKey`), computed once with the check. */
  readonly key: string;
}

/**
 * Cookie values this process has verified (or issued) lately, with what they carry. Checking a
 * value (an HMAC per secret, then a SHA-256 for the key) is deterministic, so a repeated value
 * needs no second check. Only values that checked out are kept: a forged or malformed cookie is
 * checked again every time it comes, and cannot push valid ones out.
 */
const VERIFIED_CACHE_SIZE = 4096;

/** Beyond this, a Cookie header is not scanned: it cannot hold a cookie we issued in a sane place. */
const MAX_CANDIDATES = 8;

/**
 * Reads and writes the session cookie. HttpOnly always. Anything malformed, overlong, forged or
 * wrongly signed reads as "no session", never as an error and never as a client-chosen id.
 */
export class CookieManager {
  readonly name: string;
  readonly #attributes: string;
  readonly #secrets: readonly Buffer[];
  readonly #verified = new Lru<string, CookieState>(VERIFIED_CACHE_SIZE);

  constructor(cookieOptions: CookieOptions = {}) {
    const options = withDefaults(COOKIE_DEFAULTS, cookieOptions);
    this.name = options.name;
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(this.name)) {
      throw new ConfigurationError(`cookie name ${JSON.stringify(this.name)} is not a valid token`);
    }
    const { sameSite, maxAge, path } = options;
    const secure = !options.allowHttp;
    if (sameSite === 'None' && !secure) throw new ConfigurationError('SameSite=None requires a Secure cookie');
    if (!Number.isFinite(maxAge) || maxAge < 1000) {
      throw new ConfigurationError(`cookie maxAge must be at least 1000 ms, got ${maxAge}`);
    }
    // An unchecked `;` here would let configuration inject cookie attributes.
    if (!/^[\x21-\x3a\x3c-\x7e]+$/.test(path)) {
      throw new ConfigurationError(`cookie path ${JSON.stringify(path)} is invalid`);
    }
    // Browsers drop prefixed cookies that break the prefix's rules, which would look like lost sessions.
    if (this.name.startsWith('__Secure-') || this.name.startsWith('__Host-')) {
      if (!secure) throw new ConfigurationError(`a ${this.name} cookie must be Secure (no allowHttp)`);
      if (this.name.startsWith('__Host-') && (options.domain !== undefined || path !== '/')) {
        throw new ConfigurationError(`a ${this.name} cookie needs Path=/ and no Domain`);
      }
    }
    const parts = [`Path=${path}`, `Max-Age=${Math.floor(maxAge / 1000)}`, 'HttpOnly'];
    if (options.domain !== undefined) {
      if (!/^[A-Za-z0-9.-]+$/.test(options.domain)) {
        throw new ConfigurationError(`cookie domain ${JSON.stringify(options.domain)} is invalid`);
      }
      parts.push(`Domain=${options.domain}`);
    }
    if (secure) parts.push('Secure');
    parts.push(`SameSite=${sameSite}`);
    this.#attributes = parts.join('; ');
    this.#secrets = options.secrets.map((secret: unknown, index) => {
      // From JavaScript, an unset variable arrives as undefined: say so instead of a TypeError.
      if (typeof secret !== 'string' || secret.length < 16) {
        const got = typeof secret === 'string' ? `${secret.length} characters` : String(secret);
        throw new ConfigurationError(
          `cookie secret ${index + 1}: expected a string of at least 16 characters, got ${got}`,
        );
      }
      return Buffer.from(secret);
    });
  }

  /** The token in the request's Cookie header, or undefined when there is no valid one. */
  read(cookieHeader: string | undefined): string | undefined {
    return this.readState(cookieHeader)?.token;
  }

  /**
   * The token and the session version the client last saw (0 when the cookie carries none).
   * The version is a hint, not a credential: it only makes a read after a cache loss wait until
   * Datastore has caught up with what this client was already shown. Signed cookies sign it
   * with the token, so a changed hint makes the whole cookie invalid.
   */
  readState(cookieHeader: string | undefined): CookieState | undefined {
    if (typeof cookieHeader !== 'string') return undefined;
    const maxValue =
      (this.#secrets.length > 0 ? TOKEN_LENGTH + 1 + SIGNATURE_LENGTH : TOKEN_LENGTH) + 1 + MAX_VERSION_DIGITS;
    let candidates = 0;
    let start = 0;
    while (start < cookieHeader.length && candidates < MAX_CANDIDATES) {
      let end = cookieHeader.indexOf(';', start);
      if (end === -1) end = cookieHeader.length;
      // Search for "=" within this pair only: a header of many "="-less pairs stays linear.
      const pair = cookieHeader.slice(start, end);
      const eq = pair.indexOf('=');
      if (eq !== -1 && pair.slice(0, eq).trim() === this.name) {
        candidates++;
        const value = pair.slice(eq + 1).trim();
        const state = value.length <= maxValue ? this.#verifiedState(value) : undefined;
        if (state !== undefined) return state;
      }
      start = end + 1;
    }
    return undefined;
  }

  /** Set-Cookie value that stores `token` (and, when given, the session version the client now holds). */
  serialize(token: string, version = 0): string {
    const hint = version > 0 ? `${VERSION_SEPARATOR}${version}` : '';
    const value = `${this.#sign(token, hint)}${hint}`;
    // The client's next request brings this value back: it is known valid, having been made here.
    this.#verified.set(value, { token, version, key: sessionKey(token) });
    return `${this.name}=${value}; ${this.#attributes}`;
  }

  /** Set-Cookie value that removes the cookie. */
  serializeClear(): string {
    return `${this.name}=; ${this.#attributes.replace(/Max-Age=\d+/, 'Max-Age=0')}`;
  }

  /** {@link #parse} through the cache of values that checked out. */
  #verifiedState(value: string): CookieState | undefined {
    const known = this.#verified.get(value);
    if (known !== undefined) return known;
    const state = this.#parse(value);
    if (state !== undefined) this.#verified.set(value, state);
    return state;
  }

  #parse(value: string): CookieState | undefined {
    const separator = value.indexOf(VERSION_SEPARATOR);
    const hint = separator === -1 ? '' : value.slice(separator);
    const token = this.#verify(separator === -1 ? value : value.slice(0, separator), hint);
    if (token === undefined) return undefined;
    const digits = hint.slice(1);
    // Unsigned, a malformed hint is ignored, not fatal: the token alone is what authenticates.
    return { token, version: /^\d{1,15}$/.test(digits) ? Number(digits) : 0, key: sessionKey(token) };
  }

  /**
   * `token.signature`, the signature covering the token and the version hint: a client that
   * raised its hint could otherwise make its requests wait for a version that never comes.
   */
  #sign(token: string, hint: string): string {
    const secret = this.#secrets[0];
    return secret === undefined ? token : `${token}.${mac(secret, token + hint)}`;
  }

  #verify(value: string, hint: string): string | undefined {
    if (this.#secrets.length === 0) return isWellFormedToken(value) ? value : undefined;
    const dot = value.indexOf('.');
    if (dot !== TOKEN_LENGTH) return undefined;
    const token = value.slice(0, dot);
    const signature = Buffer.from(value.slice(dot + 1));
    if (!isWellFormedToken(token) || signature.length !== SIGNATURE_LENGTH) return undefined;
    const valid = this.#secrets.some((secret) => timingSafeEqual(Buffer.from(mac(secret, token + hint)), signature));
    return valid ? token : undefined;
  }
}

function mac(secret: Buffer, token: string): string {
  return createHmac('sha256', secret).update(token).digest('base64url');
}
