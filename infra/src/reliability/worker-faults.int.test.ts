// Worker faults under load: killed mid-batch and restarted; two workers at once. Nothing
// acknowledged may be lost or reverted.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApps, expectClean, log } from './expect-clean.fixture.js';
import { QUICK } from './scenario.js';
import { twoWorkers, workerKilled } from './worker-scenarios.js';

describe('worker faults', () => {
  beforeAll(buildApps, 180_000);

  it('a worker killed mid-batch loses nothing: its jobs come back to the restarted worker', async () => {
    const result = await workerKilled.run(QUICK, log);
    expectClean(result);
    // The kill did land mid-batch: the worker held jobs.
    expect(result.measures.jobsActiveAtKill).toBeGreaterThan(0);
    // The web app does not need the worker: writes went on while it was dead.
    expect(result.acknowledgedDuringFault).toBeGreaterThan(0);
  }, 90_000);

  it('two workers at once converge to the newest state', async () => {
    const result = await twoWorkers.run(QUICK, log);
    expectClean(result);
    expect(result.measures.eventsAppliedByFirst).toBeGreaterThan(0);
    expect(result.measures.eventsAppliedBySecond).toBeGreaterThan(0);
    expect(result.acknowledgedDuringFault).toBeGreaterThan(0);
  }, 90_000);
});
