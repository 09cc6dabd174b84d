// memcached faults under load, on a private memcached: flushed and restarted while events are
// still queued (the worker is stopped, so reads must wait for Datastore to catch up rather than
// answer older state), and unreachable for a while, then back with its old items.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApps, expectClean, log } from './expect-clean.fixture.js';
import { memcachedFlushed, memcachedFrozen, memcachedRestarted } from './memcached-scenarios.js';
import { QUICK } from './scenario.js';

describe('memcached faults', () => {
  beforeAll(buildApps, 180_000);

  it.each([
    ['a flush', memcachedFlushed],
    ['a restart', memcachedRestarted],
  ])(
    '%s with events still queued loses and reverts nothing',
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

  it('a memcached unreachable for a while, then back with stale items, loses and reverts nothing', async () => {
    const result = await memcachedFrozen.run(QUICK, log);
    expectClean(result);
    // Writes went on through Datastore while the cache did not answer.
    expect(result.acknowledgedDuringFault).toBeGreaterThan(0);
  }, 90_000);
});
