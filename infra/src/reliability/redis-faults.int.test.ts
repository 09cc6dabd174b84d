// Redis faults under load, on a private Redis with AOF (appendfsync always): killed and restarted
// with events queued, and down for a while (the store falls back to synchronous Datastore writes).
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApps, expectClean, log } from './expect-clean.fixture.js';
import { redisRestarted, redisStopped } from './redis-scenarios.js';
import { QUICK } from './scenario.js';

describe('Redis faults', () => {
  beforeAll(buildApps, 180_000);

  it('a Redis killed and restarted keeps every queued event (AOF)', async () => {
    const result = await redisRestarted.run(QUICK, log);
    expectClean(result);
    // Writes go on meanwhile, so the restarted Redis may hold more jobs, never fewer.
    const queuedAtKill = result.measures.jobsQueuedAtKill ?? 0;
    expect(queuedAtKill).toBeGreaterThan(0);
    expect(result.measures.jobsQueuedAfterRestart).toBeGreaterThanOrEqual(queuedAtKill);
  }, 90_000);

  it('while Redis is down, writes are acknowledged through the synchronous fallback, and none is lost', async () => {
    const result = await redisStopped.run(QUICK, log);
    expectClean(result);
    expect(result.acknowledgedDuringFault).toBeGreaterThan(0);
  }, 90_000);
});
