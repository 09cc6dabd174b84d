// The cache fault tests, declared once and run on each cache (not built, not a test file itself):
// flushed and restarted while events are still queued (the worker is stopped, so reads must wait
// for Datastore to catch up rather than answer older state), and unreachable for a while, then
// back with its old entries.
import { beforeAll, describe, expect, it } from 'vitest';
import { cacheLabel, type CacheKind } from '../testing/cache-choice.fixture.js';
import { cacheScenarios } from './cache-scenarios.js';
import { buildApps, expectClean, log } from './expect-clean.fixture.js';
import { QUICK } from './scenario.js';

/** Declares the fault tests (one `describe`) on a private cache of `kind`, at the QUICK sizes. */
export function defineCacheFaults(kind: CacheKind): void {
  const cache = cacheLabel(kind);
  const scenarios = cacheScenarios(kind);

  describe(`${cache} faults`, () => {
    beforeAll(buildApps, 180_000);

    it.each([
      ['a flush', scenarios.flushed],
      ['a restart', scenarios.restarted],
    ])(
      '%s with events still queued loses and reverts nothing, and logs nobody out',
      async (_, scenario) => {
        const result = await scenario.run(QUICK, log);
        expectClean(result);
        expect(result.measures.jobsQueuedAtCacheLoss).toBeGreaterThan(0);
        // Users who logged in while the worker was stopped are in Datastore from their login on
        // (durableCreate): the cache loss makes them wait, never logs them out.
        expect(result.dropped).toBe(0);
      },
      90_000,
    );

    it(`a ${cache} unreachable for a while, then back with stale entries, loses and reverts nothing`, async () => {
      const result = await scenarios.frozen.run(QUICK, log);
      expectClean(result);
      // Writes went on through Datastore while the cache did not answer (onCacheFailure: 'datastore').
      expect(result.acknowledgedDuringFault).toBeGreaterThan(0);
      expect(result.measures.cacheFallbackWarned).toBe(1);
    }, 90_000);
  });
}
