import type { Datastore, Key, Transaction } from '@google-cloud/datastore';
import {
  withDefaults,
  type ListOptions,
  type PrincipalSessionPage,
  type SessionRecord,
  type SessionWrite,
  type WriteResult,
} from '@gaesession/core';
import { DESTROYED_VERSION, destroyedEvent, eventFromWrite, type SessionEvent } from '@gaesession/events';
import { datastoreKey, entityKeyOf, foundEntities, foundEntity, keyId } from './keys.js';
import {
  DEFAULT_EVENT_LOG_KIND,
  DEFAULT_EVENT_LOG_RETENTION_MS,
  EVENT_LOG_UNINDEXED,
  eventLogProperties,
  type EventLogOptions,
} from './event-log.js';
import { decide, foldEvents } from './fold.js';
import {
  DEFAULT_SESSION_KIND,
  readStoredSession,
  recordFromData,
  SESSION_UNINDEXED,
  sessionProperties,
  snapshotData,
  type StoredSession,
} from './model.js';
import { planCommits, type PlanItem } from './plan.js';
import { listByPrincipal } from './principal-index.js';
import { callOptions, resolveRetry, withRetry, type ResolvedRetry, type RetryOptions } from './retry.js';
import type { ApplyResult, DestroyOptions, SessionRepository, StoredState } from './session-repository.js';
import { runTransaction } from './transaction.js';

/** Keys ended per transaction by `destroyMany` (with the event log on, two mutations each). */
const DESTROY_PAGE = 250;

/** The keys of a commit's items (same order) and the entities stored under them, by {@link keyId}. */
interface Found {
  readonly keys: readonly Key[];
  readonly stored: ReadonlyMap<string, unknown>;
}

export interface DatastoreRepositoryOptions {
  /** The client. Point it at the emulator with `apiEndpoint` or `DATASTORE_EMULATOR_HOST`. */
  datastore: Datastore;
  /** Datastore namespace of every entity. @defaultValue the default namespace */
  namespace?: string;
  /** Kind of the session entities. @defaultValue 'Session' */
  kind?: string;
  /** Also keep every applied event (insert-only, same commit). @defaultValue off */
  eventLog?: EventLogOptions;
  /** Retries on contention and unavailability. @defaultValue see {@link RetryOptions} */
  retry?: RetryOptions;
  /** Keys looked up and mutations per commit (Datastore allows 500 mutations). @defaultValue 500 */
  maxMutationsPerCommit?: number;
  /** Estimated bytes per commit (Datastore allows 10 MiB per request). @defaultValue 9437184 (9 MiB) */
  maxCommitBytes?: number;
  /** Clock in ms since the epoch, for expiry decisions. @defaultValue Date.now */
  now?: () => number;
}

/** The defaults of {@link DatastoreRepositoryOptions}. */
export const REPOSITORY_DEFAULTS = {
  kind: DEFAULT_SESSION_KIND,
  maxMutationsPerCommit: 500,
  maxCommitBytes: 9 * 1024 * 1024,
  now: Date.now,
} as const satisfies Partial<DatastoreRepositoryOptions>;

/**
 * {@link SessionRepository} on Firestore in Datastore mode. `apply` folds a batch per key, reads
 * every stored entity of a commit in one lookup inside a transaction, and writes only keys whose
 * folded state is newer, so retries, duplicates, out-of-order delivery and concurrent workers all
 * converge to the newest state (invariant 4, docs/ARCHITECTURE.md).
 */
export class DatastoreRepository implements SessionRepository {
  readonly #datastore: Datastore;
  readonly #namespace: string | undefined;
  readonly #kind: string;
  readonly #log: { readonly kind: string; readonly retentionMs: number } | undefined;
  readonly #retry: ResolvedRetry;
  readonly #maxItems: number;
  readonly #maxBytes: number;
  readonly #now: () => number;

  constructor(repositoryOptions: DatastoreRepositoryOptions) {
    const options = withDefaults(REPOSITORY_DEFAULTS, repositoryOptions);
    this.#datastore = options.datastore;
    this.#namespace = options.namespace;
    this.#kind = options.kind;
    this.#log =
      options.eventLog === undefined
        ? undefined
        : {
            kind: options.eventLog.kind ?? DEFAULT_EVENT_LOG_KIND,
            retentionMs: options.eventLog.retentionMs ?? DEFAULT_EVENT_LOG_RETENTION_MS,
          };
    this.#retry = resolveRetry(options.retry);
    this.#maxItems = Math.min(500, Math.max(1, options.maxMutationsPerCommit));
    this.#maxBytes = options.maxCommitBytes;
    this.#now = options.now;
  }

  async load(key: string): Promise<SessionRecord | undefined> {
    const stored = await this.inspect(key);
    return stored.state === 'stored' && !stored.expired ? stored.record : undefined;
  }

  async inspect(key: string): Promise<StoredState> {
    const entityKey = this.#key(this.#kind, key);
    const entity = foundEntity(
      await withRetry(this.#datastore, 'load', this.#retry, () =>
        this.#datastore.get(entityKey, { gaxOptions: callOptions(this.#retry) }),
      ),
    );
    if (entity === undefined) return { state: 'missing' };
    const stored = readStoredSession(key, entity);
    if (stored.tombstone) return { state: 'destroyed', version: stored.version };
    const record = recordFromData(key, stored);
    return { state: 'stored', record, expired: stored.expiresAt <= this.#now() };
  }

  async apply(events: readonly SessionEvent[]): Promise<ApplyResult> {
    const commits = planCommits(foldEvents(events), this.#log !== undefined, {
      maxItems: this.#maxItems,
      maxBytes: this.#maxBytes,
    });
    let written = 0;
    // One commit at a time: each is idempotent, so a failure part-way is repaired by a retry.
    for (const items of commits) written += await this.#commit(items);
    return { written, skipped: events.length - written };
  }

  async write(write: SessionWrite): Promise<WriteResult> {
    const event = eventFromWrite(write, this.#now());
    const items = this.#itemsOf(event);
    return runTransaction<WriteResult>(this.#datastore, this.#retry, 'write', async (transaction, gaxOptions) => {
      const found = await this.#lookup(transaction, items, gaxOptions);
      const entity = found.stored.get(keyId(found.keys[0] as Key));
      const current = entity === undefined ? undefined : readStoredSession(event.key, entity);
      if (current?.tombstone === true) return { result: { ok: false, current: undefined }, commit: false };
      const live =
        current === undefined || current.expiresAt <= this.#now() ? undefined : recordFromData(event.key, current);
      // A retry after a commit that landed but timed out finds its own write: that is a success.
      if (live?.version === write.record.version && current?.data === snapshotData(write.record)) {
        return { result: { ok: true }, commit: false };
      }
      if ((live?.version ?? 0) !== write.baseVersion) return { result: { ok: false, current: live }, commit: false };
      // The compare-and-set above decided; the fold's rules (expiry, newer version) are for events.
      this.#mutate(transaction, items, found, () => true);
      return { result: { ok: true }, commit: true };
    });
  }

  destroy(key: string, options: DestroyOptions): Promise<WriteResult> {
    const { now, fallbackTimeoutMs, baseVersion } = options;
    const tombstone = (timeout: number) => destroyedEvent(key, DESTROYED_VERSION, now + timeout, now);
    const draft = tombstone(fallbackTimeoutMs);
    return runTransaction<WriteResult>(this.#datastore, this.#retry, 'destroy', async (transaction, gaxOptions) => {
      const found = await this.#lookup(transaction, this.#itemsOf(draft), gaxOptions);
      const entity = found.stored.get(keyId(found.keys[0] as Key));
      const stored = entity === undefined ? undefined : readStoredSession(key, entity);
      if (stored?.tombstone === true) return { result: { ok: true }, commit: false };
      const record = stored === undefined ? undefined : recordFromData(key, stored);
      const newer = record !== undefined && baseVersion !== undefined && record.version > baseVersion;
      if (newer && stored !== undefined && stored.expiresAt > now) {
        return { result: { ok: false, current: record }, commit: false };
      }
      const { mutations } = this.#mutate(
        transaction,
        this.#itemsOf(tombstone(record?.timeout ?? fallbackTimeoutMs)),
        found,
        () => true,
      );
      return { result: { ok: true }, commit: mutations > 0 };
    });
  }

  async destroyMany(keys: readonly string[], options: Omit<DestroyOptions, 'baseVersion'>): Promise<number> {
    let ended = 0;
    for (let start = 0; start < keys.length; start += DESTROY_PAGE) {
      ended += await this.#destroyPage(keys.slice(start, start + DESTROY_PAGE), options);
    }
    return ended;
  }

  #destroyPage(keys: readonly string[], options: Omit<DestroyOptions, 'baseVersion'>): Promise<number> {
    const { now, fallbackTimeoutMs } = options;
    const itemsFor = (timeoutOf: (key: string) => number) =>
      keys.flatMap((key) => this.#itemsOf(destroyedEvent(key, DESTROYED_VERSION, now + timeoutOf(key), now)));
    return runTransaction(this.#datastore, this.#retry, 'destroy many', async (transaction, gaxOptions) => {
      // The same keys whatever the expiry: look up first, then build the tombstones with each timeout.
      const found = await this.#lookup(
        transaction,
        itemsFor(() => fallbackTimeoutMs),
        gaxOptions,
      );
      const timeoutOf = (key: string): number => {
        const entity = found.stored.get(keyId(this.#key(this.#kind, key)));
        const stored = entity === undefined ? undefined : readStoredSession(key, entity);
        return stored === undefined || stored.tombstone ? fallbackTimeoutMs : recordFromData(key, stored).timeout;
      };
      const notYetDestroyed = (_winner: SessionEvent, stored: StoredSession | undefined) => stored?.tombstone !== true;
      const { sessions, mutations } = this.#mutate(transaction, itemsFor(timeoutOf), found, notYetDestroyed);
      return { result: sessions, commit: mutations > 0 };
    });
  }

  listByPrincipal(principal: string, options: ListOptions = {}): Promise<PrincipalSessionPage> {
    const target = { datastore: this.#datastore, namespace: this.#namespace, kind: this.#kind, retry: this.#retry };
    return listByPrincipal(target, principal, this.#now(), options);
  }

  /** The plan items of one event applied on its own: its session, and its log entry when logging. */
  #itemsOf(event: SessionEvent): PlanItem[] {
    const items: PlanItem[] = [{ type: 'session', folded: { key: event.key, winner: event, events: [event] } }];
    if (this.#log !== undefined) items.push({ type: 'log', event });
    return items;
  }

  /** One transaction: one lookup of every key of `items`, then the writes that win. */
  #commit(items: readonly PlanItem[]): Promise<number> {
    return runTransaction(this.#datastore, this.#retry, 'apply', async (transaction, gaxOptions) => {
      const found = await this.#lookup(transaction, items, gaxOptions);
      const now = this.#now();
      const { sessions, mutations } = this.#mutate(transaction, items, found, (winner, state) => {
        return decide(winner, state, now) === 'write';
      });
      return { result: sessions, commit: mutations > 0 };
    });
  }

  /** The keys of `items`, and what is stored under them, in one lookup. */
  async #lookup(transaction: Transaction, items: readonly PlanItem[], gaxOptions: { timeout: number }): Promise<Found> {
    const keys = items.map((item) => this.#itemKey(item));
    const entities = foundEntities(await transaction.get(keys, { gaxOptions }));
    return { keys, stored: new Map(entities.map((entity) => [entityKeyOf(entity), entity])) };
  }

  /** Queues the session writes `shouldWrite` allows and the log inserts of events not yet logged. */
  #mutate(
    transaction: Transaction,
    items: readonly PlanItem[],
    found: Found,
    shouldWrite: (winner: SessionEvent, stored: StoredSession | undefined) => boolean,
  ): { sessions: number; mutations: number } {
    let sessions = 0;
    let mutations = 0;
    items.forEach((item, index) => {
      const key = found.keys[index] as Key;
      const current = found.stored.get(keyId(key));
      if (item.type === 'session') {
        const { winner } = item.folded;
        if (!shouldWrite(winner, current === undefined ? undefined : readStoredSession(winner.key, current))) return;
        transaction.upsert({ key, data: sessionProperties(winner), excludeFromIndexes: [...SESSION_UNINDEXED] });
        sessions++;
        mutations++;
      } else if (current === undefined && this.#log !== undefined) {
        // Insert-only: a logged event never changes, so one already there is left alone.
        const data = eventLogProperties(item.event, this.#log.retentionMs);
        if (data === undefined) return;
        transaction.insert({ key, data, excludeFromIndexes: [...EVENT_LOG_UNINDEXED] });
        mutations++;
      }
    });
    return { sessions, mutations };
  }

  #itemKey(item: PlanItem): Key {
    return item.type === 'session'
      ? this.#key(this.#kind, item.folded.key)
      : this.#key(this.#log?.kind ?? DEFAULT_EVENT_LOG_KIND, item.event.id);
  }

  #key(kind: string, name: string): Key {
    return datastoreKey(this.#datastore, this.#namespace, kind, name);
  }
}
