import { withDefaults } from '@gaesession/core';
import type { SessionEvent } from '@gaesession/events';
import { DatastoreUnavailableError, type ApplyResult, type SessionRepository } from '@gaesession/persistence';
import { WorkerStoppingError } from './errors.js';
import { mapLimited } from './limited.js';

/** Told about every group and every apply call, e.g. to keep metrics. */
export interface CommitObserver {
  /** A group left the buffer: `events` events of `submissions` submitters, applied in one call. */
  onBatch?(events: number, submissions: number): void;
  /** One apply call succeeded: `events` are durable. */
  onCommit?(events: readonly SessionEvent[], result: ApplyResult): void;
  /** One apply call failed with `error`. */
  onCommitFailure?(error: unknown, events: number): void;
}

export interface GroupCommitterOptions {
  /** Where the events go; `apply` must be idempotent (retries repeat it). */
  repository: Pick<SessionRepository, 'apply'>;
  /** Flush as soon as this many events are buffered (BATCH_MAX_EVENTS). @defaultValue 200 */
  maxEvents?: number;
  /**
   * Flush this many ms after the first event entered the buffer (BATCH_MAX_WAIT_MS), or later
   * while every apply slot is busy: the group keeps gathering events meanwhile. @defaultValue 5
   */
  maxWaitMs?: number;
  /** Apply calls in flight at once. @defaultValue 4 */
  maxConcurrentApplies?: number;
  observer?: CommitObserver;
}

/** The defaults of {@link GroupCommitterOptions}. */
export const GROUP_COMMIT_DEFAULTS = { maxEvents: 200, maxWaitMs: 5, maxConcurrentApplies: 4, observer: {} } as const;

/** Counts since the committer was made. */
export interface CommitStats {
  /** Groups flushed from the buffer. */
  readonly batches: number;
  /** Apply calls that succeeded: group applies and lone retries (a call may span several Datastore commits when it holds more than 500 sessions). */
  readonly commits: number;
  /** Apply calls that failed. */
  readonly failedCommits: number;
  /** Events made durable. */
  readonly events: number;
  /** Submissions retried alone after their group's apply failed. */
  readonly isolatedRetries: number;
}

interface Submission {
  readonly events: readonly SessionEvent[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit over `SessionRepository.apply`: events submitted close together are applied in one
 * call (one Datastore transaction per up to 500 sessions), and each submitter's promise settles
 * only once its own events are durable (or definitely not). When a group fails, each submission
 * is retried alone, so one poisonous event fails only its submitter; except when Datastore is
 * unreachable, where lone retries would only multiply the load and fail the same way.
 */
export class GroupCommitter {
  readonly #repository: Pick<SessionRepository, 'apply'>;
  readonly #maxEvents: number;
  readonly #maxWaitMs: number;
  readonly #maxConcurrent: number;
  readonly #observer: CommitObserver;
  /** The group being gathered. */
  #open: Submission[] = [];
  #openEvents = 0;
  #timer: NodeJS.Timeout | undefined;
  /** The open group's wait is over: it goes as soon as a slot is free. */
  #due = false;
  /** Full groups waiting for a slot. */
  readonly #ready: Submission[][] = [];
  #inFlight = 0;
  /** Every submission not yet settled, for flush(). */
  readonly #unsettled = new Set<Promise<void>>();
  #pendingEvents = 0;
  #closed = false;
  readonly #stats = { batches: 0, commits: 0, failedCommits: 0, events: 0, isolatedRetries: 0 };

  constructor(committerOptions: GroupCommitterOptions) {
    const options = withDefaults(GROUP_COMMIT_DEFAULTS, committerOptions);
    this.#repository = options.repository;
    this.#maxEvents = Math.max(1, options.maxEvents);
    this.#maxWaitMs = Math.max(0, options.maxWaitMs);
    this.#maxConcurrent = Math.max(1, options.maxConcurrentApplies);
    this.#observer = options.observer;
  }

  get stats(): CommitStats {
    return { ...this.#stats };
  }

  /** Events submitted and not yet settled: buffered, or being applied. */
  get pending(): number {
    return this.#pendingEvents;
  }

  /**
   * Resolves once `events` are durable; rejects with the apply error when they could not be
   * applied (nothing can be assumed then: the caller retries, which is safe).
   */
  submit(events: readonly SessionEvent[]): Promise<void> {
    if (this.#closed) return Promise.reject(new WorkerStoppingError('group commit'));
    if (events.length === 0) return Promise.resolve();
    const settled = new Promise<void>((resolve, reject) => {
      // A submission is never split: one that would overflow the open group starts the next one.
      if (this.#openEvents > 0 && this.#openEvents + events.length > this.#maxEvents) this.#seal();
      this.#open.push({ events, resolve, reject });
      this.#openEvents += events.length;
      if (this.#openEvents >= this.#maxEvents) this.#seal();
      else {
        this.#timer ??= setTimeout(() => {
          this.#onTimer();
        }, this.#maxWaitMs);
      }
      this.#pump();
    });
    const forget = (): void => {
      this.#unsettled.delete(settled);
      this.#pendingEvents -= events.length;
    };
    this.#unsettled.add(settled);
    this.#pendingEvents += events.length;
    settled.then(forget, forget);
    return settled;
  }

  /** Applies everything submitted so far without waiting out `maxWaitMs`; resolves once all of it settled. */
  async flush(): Promise<void> {
    this.#seal();
    this.#pump();
    await Promise.allSettled([...this.#unsettled]);
  }

  /** Refuses new submissions ({@link WorkerStoppingError}) and flushes what was submitted. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #onTimer(): void {
    this.#timer = undefined;
    this.#due = true;
    this.#pump();
  }

  /** Closes the open group: it waits in line for a slot. */
  #seal(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#due = false;
    if (this.#open.length === 0) return;
    this.#ready.push(this.#open);
    this.#open = [];
    this.#openEvents = 0;
  }

  /** Starts groups while slots are free: full ones first, then the open one once it is due. */
  #pump(): void {
    while (this.#inFlight < this.#maxConcurrent) {
      if (this.#ready.length === 0 && this.#due) this.#seal();
      const group = this.#ready.shift();
      if (group === undefined) return;
      this.#inFlight++;
      void this.#commit(group).finally(() => {
        this.#inFlight--;
        this.#pump();
      });
    }
  }

  /** Applies a group; never rejects: every submission settles on its own promise. */
  async #commit(group: readonly Submission[]): Promise<void> {
    const events = group.flatMap((submission) => submission.events);
    this.#stats.batches++;
    this.#observer.onBatch?.(events.length, group.length);
    try {
      await this.#apply(events);
      for (const submission of group) submission.resolve();
      return;
    } catch (error) {
      if (group.length === 1 || !worthRetryingAlone(error)) {
        for (const submission of group) submission.reject(error);
        return;
      }
    }
    this.#stats.isolatedRetries += group.length;
    await mapLimited(group, this.#maxConcurrent, async (submission) => {
      try {
        await this.#apply(submission.events);
        submission.resolve();
      } catch (error) {
        submission.reject(error);
      }
    });
  }

  async #apply(events: readonly SessionEvent[]): Promise<void> {
    let result: ApplyResult;
    try {
      result = await this.#repository.apply(events);
    } catch (error) {
      this.#stats.failedCommits++;
      this.#observer.onCommitFailure?.(error, events.length);
      throw error;
    }
    this.#stats.commits++;
    this.#stats.events += events.length;
    this.#observer.onCommit?.(events, result);
  }
}

/** A group's failure may come from one of its events, unless Datastore could not be reached at all. */
function worthRetryingAlone(error: unknown): boolean {
  return !(error instanceof DatastoreUnavailableError && error.reason === 'unreachable');
}
