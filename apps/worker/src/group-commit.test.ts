import { eventId, type SessionEvent } from '@gaesession/events';
import { DatastoreUnavailableError, type ApplyResult } from '@gaesession/persistence';
import { isSessionError } from '@gaesession/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GroupCommitter } from './group-commit.js';

/** A session key as the schema wants it: 43 base64url characters. */
function key(n: number): string {
  return `k${String(n).padStart(42, '0')}`;
}

function event(n: number, version = 1): SessionEvent {
  const at = 1_700_000_000_000;
  return {
    v: 1,
    id: eventId(key(n), version),
    type: version === 1 ? 'created' : 'updated',
    key: key(n),
    version,
    ops: [],
    snapshot: { created: at, accessed: at, timeout: 60_000, constants: {}, attrs: { n } },
    occurredAt: at,
    expiresAt: at + 60_000,
  };
}

interface Call {
  readonly events: readonly SessionEvent[];
  readonly settle: (error?: unknown) => void;
}

/** A fake `apply` whose calls the test settles by hand (or at once, with `auto`). */
function fakeRepository(auto?: (events: readonly SessionEvent[]) => unknown) {
  const calls: Call[] = [];
  return {
    calls,
    apply(events: readonly SessionEvent[]): Promise<ApplyResult> {
      return new Promise((resolve, reject) => {
        const settle = (error?: unknown) => {
          if (error === undefined) resolve({ written: events.length, skipped: 0 });
          else reject(error instanceof Error ? error : new Error('apply failed'));
        };
        calls.push({ events, settle });
        if (auto !== undefined) settle(auto(events));
      });
    },
  };
}

/** Lets queued promise callbacks run. */
async function settleMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function track(promise: Promise<void>): { state: () => 'pending' | 'resolved' | 'rejected'; error: () => unknown } {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  let error: unknown;
  promise.then(
    () => (state = 'resolved'),
    (e: unknown) => {
      state = 'rejected';
      error = e;
    },
  );
  return { state: () => state, error: () => error };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('GroupCommitter', () => {
  it('applies submissions arriving within maxWaitMs in one call, and resolves them only once it is durable', async () => {
    const repository = fakeRepository();
    const committer = new GroupCommitter({ repository, maxEvents: 100, maxWaitMs: 10 });
    const submitted = [1, 2, 3].map((n) => track(committer.submit([event(n)])));
    await vi.advanceTimersByTimeAsync(9);
    expect(repository.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(repository.calls).toHaveLength(1);
    expect(repository.calls[0]!.events.map((e) => e.key)).toEqual([key(1), key(2), key(3)]);
    await settleMicrotasks();
    expect(submitted.map((s) => s.state())).toEqual(['pending', 'pending', 'pending']);
    expect(committer.pending).toBe(3);
    repository.calls[0]!.settle();
    await settleMicrotasks();
    expect(submitted.map((s) => s.state())).toEqual(['resolved', 'resolved', 'resolved']);
    expect(committer.pending).toBe(0);
    expect(committer.stats).toEqual({ batches: 1, commits: 1, failedCommits: 0, events: 3, isolatedRetries: 0 });
  });

  it('flushes at once when maxEvents is reached, without waiting for the timer', async () => {
    const repository = fakeRepository(() => undefined);
    const committer = new GroupCommitter({ repository, maxEvents: 4, maxWaitMs: 60_000 });
    const done = Promise.all([committer.submit([event(1), event(2)]), committer.submit([event(3), event(4)])]);
    await settleMicrotasks();
    expect(repository.calls).toHaveLength(1);
    expect(repository.calls[0]!.events).toHaveLength(4);
    await done;
  });

  it('never splits a submission: one that would overflow the group starts the next one', async () => {
    const repository = fakeRepository(() => undefined);
    const committer = new GroupCommitter({ repository, maxEvents: 3, maxWaitMs: 5 });
    const first = committer.submit([event(1), event(2)]);
    const second = committer.submit([event(3), event(4)]);
    const big = committer.submit([event(5), event(6), event(7), event(8)]);
    await vi.advanceTimersByTimeAsync(5);
    await Promise.all([first, second, big]);
    expect(repository.calls.map((call) => call.events.length)).toEqual([2, 2, 4]);
  });

  it('retries each submitter alone when a group fails, so a poisonous event fails only its own submitter', async () => {
    const poison = key(2);
    const repository = fakeRepository((events) =>
      events.some((e) => e.key === poison) ? new Error('entity too large') : undefined,
    );
    const committer = new GroupCommitter({ repository, maxEvents: 100, maxWaitMs: 1 });
    const submitted = [1, 2, 3].map((n) => track(committer.submit([event(n)])));
    await vi.advanceTimersByTimeAsync(1);
    await settleMicrotasks();
    expect(submitted.map((s) => s.state())).toEqual(['resolved', 'rejected', 'resolved']);
    expect((submitted[1]!.error() as Error).message).toBe('entity too large');
    // One group call that failed, then three lone calls.
    expect(repository.calls.map((call) => call.events.length)).toEqual([3, 1, 1, 1]);
    expect(committer.stats).toMatchObject({ batches: 1, commits: 2, failedCommits: 2, events: 2, isolatedRetries: 3 });
  });

  it('does not retry alone when Datastore is unreachable: every submitter fails with the same error', async () => {
    const unreachable = new DatastoreUnavailableError('apply', 'unreachable', 6, new Error('ECONNREFUSED'));
    const repository = fakeRepository(() => unreachable);
    const committer = new GroupCommitter({ repository, maxEvents: 100, maxWaitMs: 1 });
    const submitted = [1, 2].map((n) => track(committer.submit([event(n)])));
    await vi.advanceTimersByTimeAsync(1);
    await settleMicrotasks();
    expect(submitted.map((s) => s.error())).toEqual([unreachable, unreachable]);
    expect(repository.calls).toHaveLength(1);
  });

  it('keeps gathering while every apply slot is busy, past maxWaitMs', async () => {
    const repository = fakeRepository();
    const committer = new GroupCommitter({ repository, maxEvents: 100, maxWaitMs: 2, maxConcurrentApplies: 1 });
    const first = committer.submit([event(1)]);
    await vi.advanceTimersByTimeAsync(2);
    expect(repository.calls).toHaveLength(1);
    const later = [2, 3, 4].map((n) => committer.submit([event(n)]));
    await vi.advanceTimersByTimeAsync(50);
    expect(repository.calls).toHaveLength(1); // the slot is still taken
    repository.calls[0]!.settle();
    await first;
    await settleMicrotasks();
    expect(repository.calls).toHaveLength(2);
    expect(repository.calls[1]!.events).toHaveLength(3);
    repository.calls[1]!.settle();
    await Promise.all(later);
  });

  it('flush() applies what waits without waiting out the timer; close() then refuses new work', async () => {
    const repository = fakeRepository(() => undefined);
    const committer = new GroupCommitter({ repository, maxEvents: 100, maxWaitMs: 60_000 });
    const submitted = track(committer.submit([event(1)]));
    await committer.close();
    expect(submitted.state()).toBe('resolved');
    expect(repository.calls).toHaveLength(1);
    const refused = await committer.submit([event(2)]).catch((error: unknown) => error);
    expect(isSessionError(refused, 'WORKER_STOPPING')).toBe(true);
  });

  it('resolves an empty submission at once, without an apply call', async () => {
    const repository = fakeRepository(() => undefined);
    const committer = new GroupCommitter({ repository });
    await committer.submit([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(repository.calls).toHaveLength(0);
  });

  it('tells the observer about every group and apply call', async () => {
    const repository = fakeRepository(() => undefined);
    const seen: string[] = [];
    const committer = new GroupCommitter({
      repository,
      maxWaitMs: 1,
      observer: {
        onBatch: (events, submissions) => seen.push(`batch ${events}/${submissions}`),
        onCommit: (events, result) => seen.push(`commit ${events.length} wrote ${result.written}`),
      },
    });
    await Promise.all([
      committer.submit([event(1), event(1, 2)]),
      committer.submit([event(2)]),
      vi.advanceTimersByTimeAsync(1),
    ]);
    expect(seen).toEqual(['batch 3/2', 'commit 3 wrote 3']);
  });
});
