import {
  expiresAt,
  InvalidOperationError,
  isExpired,
  type ListOptions,
  type PrincipalSession,
  type PrincipalSessionPage,
  type SessionRecord,
  type SessionStore,
  type SessionWrite,
  type WriteResult,
} from '@gaesession/core';

type Entry = { readonly record: string } | { readonly tombstone: true };

/**
 * An in-process store with the same compare-and-set semantics as the production store, for
 * unit tests (yours and ours). Records are kept serialized, so a test sees exactly what would
 * survive a real round trip. Not for production: it is neither shared nor durable.
 */
export class MemoryStore implements SessionStore {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  load(key: string): Promise<SessionRecord | undefined> {
    return Promise.resolve(this.#live(key));
  }

  write(write: SessionWrite): Promise<WriteResult> {
    const key = write.record.key;
    if (write.record.version !== write.baseVersion + 1) {
      // A caller bug, not a conflict: fail loudly so tests catch it.
      return Promise.reject(
        new InvalidOperationError(`write of version ${write.record.version} on base ${write.baseVersion}`),
      );
    }
    const entry = this.#entries.get(key);
    if (entry !== undefined && 'tombstone' in entry) return Promise.resolve({ ok: false, current: undefined });
    const current = this.#live(key);
    if ((current?.version ?? 0) !== write.baseVersion) return Promise.resolve({ ok: false, current });
    this.#entries.set(key, { record: JSON.stringify(write.record) });
    return Promise.resolve({ ok: true });
  }

  destroy(key: string, baseVersion?: number): Promise<WriteResult> {
    const current = this.#live(key);
    if (baseVersion !== undefined && current !== undefined && current.version !== baseVersion) {
      return Promise.resolve({ ok: false, current });
    }
    this.#entries.set(key, { tombstone: true });
    return Promise.resolve({ ok: true });
  }

  listByPrincipal(principal: string, options: ListOptions = {}): Promise<PrincipalSessionPage> {
    const limit = Math.min(500, Math.max(1, options.limit ?? 100));
    const start = Number(options.cursor ?? 0);
    const all = this.#livePrincipalSessions(principal);
    const sessions = all.slice(start, start + limit);
    const more = start + limit < all.length;
    return Promise.resolve(more ? { sessions, cursor: String(start + limit) } : { sessions });
  }

  async destroyByPrincipal(principal: string, options: { readonly except?: readonly string[] } = {}): Promise<number> {
    const except = new Set(options.except);
    const ended = this.#livePrincipalSessions(principal).filter((session) => !except.has(session.key));
    for (const { key } of ended) await this.destroy(key);
    return ended.length;
  }

  #livePrincipalSessions(principal: string): PrincipalSession[] {
    return [...this.#entries.keys()].flatMap((key) => {
      const record = this.#live(key);
      if (record?.principal !== principal) return [];
      const { created, accessed, constants } = record;
      return [{ key, created, accessed, expiresAt: expiresAt(record), constants }];
    });
  }

  /** Number of live sessions (expired ones excluded). */
  get size(): number {
    let n = 0;
    for (const key of this.#entries.keys()) if (this.#live(key) !== undefined) n++;
    return n;
  }

  #live(key: string): SessionRecord | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined || 'tombstone' in entry) return undefined;
    const record = JSON.parse(entry.record) as SessionRecord;
    return isExpired(record, this.#now()) ? undefined : record;
  }
}
