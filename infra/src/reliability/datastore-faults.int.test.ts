// Datastore down for a while under load, on a private emulator (shared by this file's tests):
// writes keep succeeding through the cache and the queue, the worker retries, everything drains.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateDatastore, type PrivateDatastore } from './datastore-emulator.js';
import { datastoreStopped } from './datastore-scenarios.js';
import { buildApps, expectClean, log } from './expect-clean.fixture.js';
import { QUICK } from './scenario.js';

describe('Datastore faults', () => {
  let emulator: PrivateDatastore | undefined;

  beforeAll(async () => {
    [emulator] = await Promise.all([startPrivateDatastore(), buildApps()]);
  }, 180_000);

  afterAll(async () => {
    await emulator?.close();
  }, 60_000);

  it('while Datastore is down, writes keep being acknowledged, and all of them drain once it is back', async () => {
    if (emulator === undefined) throw new Error('no emulator');
    // Stopping and restarting the emulator alone takes about 8 s: no extra outage on top.
    const result = await datastoreStopped(emulator).run({ ...QUICK, outageMs: 0 }, log);
    expectClean(result);
    expect(result.acknowledgedDuringFault).toBeGreaterThan(0);
  }, 120_000);
});
