// Redis faults under load, on a private Redis with AOF (appendfsync always): killed and restarted
// with events queued, and down for a while (the store falls back to synchronous Datastore writes);
// and the control, on a private Redis without AOF, whose loss the checker must report.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApps, expectClean, log } from './expect-clean.fixture.js';
import { redisRestarted, redisRestartedWithoutAof, redisStopped } from './redis-scenarios.js';
import { clean, details, faultTable } from './report.js';
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

  it('the control: a Redis without AOF killed with events queued loses them, and the checker sees it', async () => {
    // The check on the checker: were it blind, every fault test above would pass for nothing.
    const result = await redisRestartedWithoutAof.run(QUICK, log);
    log(`\n${faultTable([result])}`);
    for (const line of details(result)) log(line);
    expect(result.measures.jobsQueuedAtKill ?? 0).toBeGreaterThan(0);
    // The witnesses' last acknowledged writes were only in the lost jobs: Datastore holds older values.
    expect(result.lost + result.reverted).toBeGreaterThan(0);
    expect(clean(result)).toBe(false);
  }, 90_000);

  it('while Redis is down, writes are acknowledged through the synchronous fallback, and none is lost', async () => {
    const result = await redisStopped.run(QUICK, log);
    expectClean(result);
    expect(result.acknowledgedDuringFault).toBeGreaterThan(0);
  }, 90_000);
});
