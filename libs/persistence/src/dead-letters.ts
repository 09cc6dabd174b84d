import type { Datastore, Key } from '@google-cloud/datastore';
import { decodeBatch, InvalidEventError, parseEvent, type SessionEvent } from '@gaesession/events';
import { isSessionError, withDefaults } from '@gaesession/core';
import {
  DEAD_LETTER_UNINDEXED,
  deadLetterId,
  deadLetterProperties,
  fitError,
  fitPayload,
  readDeadLetter,
  type DeadLetter,
} from './dead-letter-entity.js';
import { countKeys } from './count.js';
import { datastoreKey, foundEntity, keyOfEntity, kindQuery } from './keys.js';
import { callOptions, resolveRetry, withRetry, type ResolvedRetry, type RetryOptions } from './retry.js';
import { runTransaction } from './transaction.js';

/** Default kind of dead-letter entities. */
export const DEFAULT_DEAD_LETTER_KIND = 'DeadEvent';

export interface DeadLetterStoreOptions {
  datastore: Datastore;
  /** Datastore namespace. @defaultValue the default namespace */
  namespace?: string;
  /** Kind of the dead-letter entities. @defaultValue 'DeadEvent' */
  kind?: string;
  /** Retries on contention and unavailability. @defaultValue see {@link RetryOptions} */
  retry?: RetryOptions;
  /** Clock in ms since the epoch. @defaultValue Date.now */
  now?: () => number;
}

export interface DeadLetterInput {
  /** The payload exactly as received (a queue payload or transport string). */
  payload: string;
  /** Why it failed, in words (cut to 2048 characters). */
  error: string;
  /** Stable code of the failure, e.g. a SessionError's `code`. */
  code?: string;
  /** Delivery attempts this failure took. */
  attempts: number;
  /** Where it came from: queue name, task or job id. */
  source?: string;
}

export interface ReplayResult {
  /** False when there was no such dead letter (already replayed, or never recorded). */
  readonly replayed: boolean;
  /** Events decoded and applied. */
  readonly events: number;
}

/** The defaults of {@link DeadLetterStoreOptions}. */
export const DEAD_LETTER_STORE_DEFAULTS = { kind: DEFAULT_DEAD_LETTER_KIND, now: Date.now } as const;

/**
 * Events the worker could not apply (invariant 5, docs/ARCHITECTURE.md), one entity per distinct payload: the
 * same bad payload recorded twice is one letter, its attempts and latest failure updated.
 */
export class DeadLetterStore {
  readonly #datastore: Datastore;
  readonly #namespace: string | undefined;
  readonly #kind: string;
  readonly #retry: ResolvedRetry;
  readonly #now: () => number;

  constructor(storeOptions: DeadLetterStoreOptions) {
    const options = withDefaults(DEAD_LETTER_STORE_DEFAULTS, storeOptions);
    this.#datastore = options.datastore;
    this.#namespace = options.namespace;
    this.#kind = options.kind;
    this.#retry = resolveRetry(options.retry);
    this.#now = options.now;
  }

  /** Records a failure; returns the letter's id (SHA-256 of the payload, base64url). */
  async add(input: DeadLetterInput): Promise<string> {
    const id = deadLetterId(input.payload);
    const key = this.#key(id);
    await runTransaction(this.#datastore, this.#retry, 'dead letter add', async (transaction, gaxOptions) => {
      const existing = foundEntity(await transaction.get(key, { gaxOptions }));
      const previous = existing === undefined ? undefined : readDeadLetter(id, existing);
      const now = new Date(this.#now());
      // Keep the stored payload of a known letter: it may have been fixed with update().
      const { payload, truncated } = previous ?? fitPayload(input.payload);
      const data = deadLetterProperties({
        payload,
        truncated,
        error: fitError(input.error),
        code: input.code,
        attempts: (previous?.attempts ?? 0) + input.attempts,
        failures: (previous?.failures ?? 0) + 1,
        source: input.source,
        firstFailure: previous?.firstFailure ?? now,
        lastFailure: now,
      });
      transaction.upsert({ key, data, excludeFromIndexes: [...DEAD_LETTER_UNINDEXED] });
      return { result: undefined, commit: true };
    });
    return id;
  }

  /** The most recent failures first. */
  async list(
    options: { /** Letters returned at most. @defaultValue 50 */ limit?: number } = {},
  ): Promise<DeadLetter[]> {
    const query = kindQuery(this.#datastore, this.#namespace, this.#kind)
      .order('lastFailure', { descending: true })
      .limit(options.limit ?? 50);
    const [entities] = await withRetry(this.#datastore, 'dead letter list', this.#retry, () =>
      this.#datastore.runQuery(query, { gaxOptions: callOptions(this.#retry) }),
    );
    const page: unknown[] = entities;
    return page.map((entity) => readDeadLetter(keyOfEntity(entity).name ?? '', entity));
  }

  /** How many letters there are: a keys-only count (see {@link countKeys}). */
  count(): Promise<number> {
    return countKeys(this.#datastore, () => kindQuery(this.#datastore, this.#namespace, this.#kind), {
      retry: this.#retry,
    });
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    const entity = foundEntity(
      await withRetry(this.#datastore, 'dead letter get', this.#retry, () =>
        this.#datastore.get(this.#key(id), { gaxOptions: callOptions(this.#retry) }),
      ),
    );
    return entity === undefined ? undefined : readDeadLetter(id, entity);
  }

  /** Replaces the payload (to fix it before a replay); the id stays. False when there is no such letter. */
  update(id: string, payload: string): Promise<boolean> {
    return this.#change(id, 'dead letter update', (letter) => ({ ...letter, ...fitPayload(payload) }));
  }

  /** Deletes a letter without replaying it. False when there was no such letter. */
  discard(id: string): Promise<boolean> {
    return this.#change(id, 'dead letter discard', () => undefined);
  }

  /**
   * Decodes the payload (decodeBatch + parseEvent), hands the events to `apply`, and deletes the
   * letter only once `apply` resolved. Replaying twice is harmless: the second call finds nothing
   * (`replayed: false`), and applying events is idempotent anyway. On failure the letter stays,
   * with the new reason and one more attempt, and the error is rethrown.
   */
  async replay(id: string, apply: (events: SessionEvent[]) => Promise<unknown>): Promise<ReplayResult> {
    const letter = await this.get(id);
    if (letter === undefined) return { replayed: false, events: 0 };
    let events: SessionEvent[];
    try {
      if (letter.truncated) throw new InvalidEventError('the payload was truncated when recorded; update() it first');
      events = decodeBatch(letter.payload).map(parseEvent);
      await apply(events);
    } catch (error) {
      // The replay's own error is the one to report; failing to note it must not hide it.
      await this.#recordReplayFailure(id, error).catch(() => undefined);
      throw error;
    }
    // Delete only the payload that was replayed: an update() meanwhile is a new fix, still to replay.
    await this.#change(id, 'dead letter delete', (current) =>
      current.payload === letter.payload ? undefined : current,
    );
    return { replayed: true, events: events.length };
  }

  #recordReplayFailure(id: string, error: unknown): Promise<boolean> {
    const now = new Date(this.#now());
    return this.#change(id, 'dead letter replay failure', (letter) => ({
      ...letter,
      error: fitError(error instanceof Error ? error.message : String(error)),
      code: isSessionError(error) ? error.code : undefined,
      attempts: letter.attempts + 1,
      lastFailure: now,
    }));
  }

  /** Read-modify-write of one letter: `change` returns the new letter, or undefined to delete it. */
  #change(id: string, operation: string, change: (letter: DeadLetter) => DeadLetter | undefined): Promise<boolean> {
    const key = this.#key(id);
    return runTransaction(this.#datastore, this.#retry, operation, async (transaction, gaxOptions) => {
      const existing = foundEntity(await transaction.get(key, { gaxOptions }));
      if (existing === undefined) return { result: false, commit: false };
      const current = readDeadLetter(id, existing);
      const next = change(current);
      if (next === current) return { result: true, commit: false };
      if (next === undefined) transaction.delete(key);
      else {
        transaction.upsert({ key, data: deadLetterProperties(next), excludeFromIndexes: [...DEAD_LETTER_UNINDEXED] });
      }
      return { result: true, commit: true };
    });
  }

  #key(id: string): Key {
    return datastoreKey(this.#datastore, this.#namespace, this.#kind, id);
  }
}
