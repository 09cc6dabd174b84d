import type { CasToken } from '@gaesession/cache';

/**
 * The compare-and-set token a read saw, per key and version, so the write that follows a request's
 * read can skip reading the item again: one memcached round trip less per write. A token is used
 * once; a stale one only makes its compare-and-set fail, and the write then reads as before.
 */
export class CasTokens {
  readonly #tokens = new Map<string, { readonly version: number; readonly cas: CasToken }>();
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  remember(key: string, version: number, cas: CasToken): void {
    this.#tokens.set(key, { version, cas });
    // Maps iterate in insertion order: the first key is the longest known (not re-ordered on a
    // re-read: losing a token costs only the read it would have saved).
    if (this.#tokens.size > this.#capacity) this.#tokens.delete(this.#tokens.keys().next().value as string);
  }

  /** The token read for `key` at exactly `version`, if any; forgets it. */
  take(key: string, version: number): CasToken | undefined {
    const known = this.#tokens.get(key);
    if (known === undefined) return undefined;
    this.#tokens.delete(key);
    return known.version === version ? known.cas : undefined;
  }
}
