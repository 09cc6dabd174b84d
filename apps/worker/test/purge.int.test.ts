import { DatastoreRepository } from '@gaesession/persistence';
import { afterEach, describe, expect, it } from 'vitest';
import { PURGE_GRACE_MS } from '../src/wiring.js';
import { destroyEvent, liveEvent, newKey, startTestWorker, type TestWorker } from './worker.fixture.js';

let test: TestWorker | undefined;
afterEach(async () => {
  await test?.close();
  test = undefined;
});

describe('GET /tasks/purge', () => {
  it('deletes expired sessions and tombstones, keeps live and recently expired ones, and reports the run', async () => {
    test = await startTestWorker('purge');
    const { datastore, namespace } = test;
    const past = Date.now() - 2 * 3_600_000;
    const recent = Date.now() - PURGE_GRACE_MS / 2;
    // Written as of their own time, so the repository still takes them; by now they have expired.
    const seed = (now: number) => new DatastoreRepository({ datastore, namespace, now: () => now });
    const expired = [newKey(), newKey(), newKey()];
    const tombstoned = newKey();
    await seed(past).apply([
      ...expired.map((key) => liveEvent(key, 1, {}, { at: past, timeout: 60_000 })),
      destroyEvent(tombstoned, 3, { at: past, timeout: 60_000 }),
    ]);
    const withinGrace = newKey();
    await seed(recent - 1000).apply([liveEvent(withinGrace, 1, {}, { at: recent - 1000, timeout: 1000 })]);
    const live = newKey();
    await seed(Date.now()).apply([liveEvent(live, 1, {})]);

    const response = await test.get('/tasks/purge');
    expect(response.status).toBe(200);
    const result = (await response.json()) as Record<string, unknown>;
    expect(result).toEqual({ completed: true, deleted: 4, elapsedMs: expect.any(Number) as number });

    const stored = async (key: string) => {
      const found: unknown[] = await datastore.get(datastore.key({ namespace, path: ['Session', key] }));
      return found[0];
    };
    for (const key of [...expired, tombstoned]) expect(await stored(key)).toBeUndefined();
    expect(await stored(withinGrace)).toBeDefined();
    expect(await test.worker.services.repository.load(live)).toMatchObject({ version: 1 });
    expect(await test.metric('gaesession_worker_purge_runs_total{outcome="completed"}')).toBe(1);
    expect(await test.metric('gaesession_worker_purge_deleted_total')).toBe(4);
  });

  it('answers 400 DATASTORE_INVALID_CURSOR to a cursor it did not make', async () => {
    test = await startTestWorker('purge-cursor');
    const response = await test.get('/tasks/purge?cursor=garbage');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'DATASTORE_INVALID_CURSOR' } });
    expect(await test.metric('gaesession_worker_purge_runs_total{outcome="error"}')).toBe(1);
  });
});
