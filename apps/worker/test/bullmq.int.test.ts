import { BullMQPublisher, EVENT_JOB_NAME } from '@gaesession/queue';
import { Cleanup, eventually, services } from '@gaesession/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  corruptSession,
  liveEvent,
  newKey,
  startTestWorker,
  testQueues,
  type TestQueues,
  type TestWorker,
} from './worker.fixture.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/**
 * The publisher here is the test's tool, not what it tests: its publishes may take as long as a
 * busy machine needs (the 1 s default makes a slow first connection fail the test).
 */
const TOOL_TIMEOUT_MS = 30_000;

async function bullWorker(
  label: string,
  env: Record<string, string> = {},
): Promise<{ test: TestWorker; queues: TestQueues }> {
  const test = await startTestWorker(label, { QUEUE_BACKEND: 'bullmq', PURGE_INTERVAL_MS: '3600000', ...env });
  const queues = testQueues(test.config.queue.name);
  cleanup.add(
    () => queues.close(),
    () => test.close(),
  );
  return { test, queues };
}

describe('BullMQ consumer (local)', () => {
  it('applies the events BullMQPublisher publishes, through the same path as task pushes', async () => {
    const { test, queues } = await bullWorker('bull-apply');
    const publisher = cleanup.track(
      new BullMQPublisher({
        connection: services.redis,
        queueName: test.config.queue.name,
        timeoutMs: TOOL_TIMEOUT_MS,
      }),
    );
    const keys = [newKey(), newKey(), newKey()];
    for (const version of [1, 2, 3]) await publisher.publish(keys.map((key) => liveEvent(key, version, { version })));

    await eventually(async () => ((await queues.pending()) === 0 ? true : undefined), { what: 'the queue to drain' });
    for (const key of keys) {
      expect(await test.worker.services.repository.load(key)).toMatchObject({ version: 3, attrs: { version: 3 } });
    }
    expect(await test.metric('gaesession_worker_events_applied_total')).toBe(9);
    expect((await queues.counts()).failed).toBe(0);
  });

  it('retries a failing job with backoff and dead-letters its last attempt, so the job completes', async () => {
    const { test, queues } = await bullWorker('bull-last');
    const poisoned = newKey();
    await corruptSession(test, poisoned);
    const publisher = cleanup.track(
      new BullMQPublisher({
        connection: services.redis,
        queueName: test.config.queue.name,
        timeoutMs: TOOL_TIMEOUT_MS,
        attempts: 3,
        backoffMs: 10,
      }),
    );
    await publisher.publish([liveEvent(poisoned, 1, {})]);
    // A job that is not an event batch at all is dead-lettered at once, not retried.
    await queues.events.add(EVENT_JOB_NAME, { payload: 'garbage' }, { attempts: 3 });

    const letters = await eventually(
      async () => {
        const found = await test.worker.services.deadLetters.list();
        return found.length === 2 ? found : undefined;
      },
      { what: 'two dead letters' },
    );
    const failed = letters.find((letter) => letter.code === 'DATASTORE_CORRUPT_ENTITY');
    expect(failed).toMatchObject({ attempts: 3, source: expect.stringMatching(/^bullmq:/) as string });
    expect(letters.find((letter) => letter.code === 'EVENT_INVALID')).toMatchObject({
      payload: 'garbage',
      attempts: 1,
    });
    await eventually(async () => ((await queues.pending()) === 0 ? true : undefined), { what: 'the queue to drain' });
    expect((await queues.counts()).failed).toBe(0);
    expect(await test.metric('gaesession_worker_deliveries_failed_total')).toBe(2);
  });

  it('runs the purge on the local job scheduler', async () => {
    const { test } = await bullWorker('bull-purge', { PURGE_INTERVAL_MS: '1000' });
    await eventually(
      async () =>
        (await test.metric('gaesession_worker_purge_runs_total{outcome="completed"}')) >= 1 ? true : undefined,
      { what: 'a scheduled purge', timeoutMs: 15_000 },
    );
  });
});
