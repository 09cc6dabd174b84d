// End to end through the real Cloud Tasks client and the local Cloud Tasks emulator (infra), which
// pushes to the worker the way App Engine does: X-AppEngine-* headers, retries with backoff.
import { credentials } from '@grpc/grpc-js';
import { CloudTasksPublisher } from '@gaesession/queue';
import { Cleanup, eventually } from '@gaesession/testkit';
import {
  parseQueueYaml,
  startCloudTasksEmulator,
  type CloudTasksEmulator,
} from '@gaesession/infra/cloud-tasks-emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { corruptSession, liveEvent, newKey, SECRET, startTestWorker, type TestWorker } from './worker.fixture.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** A worker behind an emulated queue that retries twice, quickly (task_retry_limit 2 = 3 attempts). */
async function setup(
  label: string,
): Promise<{ test: TestWorker; emulator: CloudTasksEmulator; publisher: CloudTasksPublisher }> {
  const test = cleanup.track(await startTestWorker(label, { TASK_RETRY_LIMIT: '2' }));
  const queue = test.config.queue.name;
  const yaml = `queue:
  - name: ${queue}
    target: worker
    rate: 500/s
    bucket_size: 500
    retry_parameters:
      task_retry_limit: 2
      min_backoff_seconds: 0.05
      max_backoff_seconds: 0.2
`;
  const emulator = cleanup.track(
    await startCloudTasksEmulator({
      port: 0,
      queues: parseQueueYaml(yaml).queues,
      targets: { worker: test.worker.url },
      log: () => undefined,
    }),
  );
  const publisher = new CloudTasksPublisher({
    project: test.config.projectId,
    location: 'us-central1',
    queue,
    headers: { 'X-Worker-Secret': SECRET },
    clientOptions: {
      apiEndpoint: emulator.host,
      port: emulator.port,
      sslCreds: credentials.createInsecure(),
      universeDomain: 'googleapis.com',
    },
  });
  cleanup.track(publisher);
  return { test, emulator, publisher };
}

describe('Cloud Tasks pushes (emulator)', () => {
  it('applies published batches, plain and gzipped, on the first attempt', async () => {
    const { test, emulator, publisher } = await setup('ct-apply');
    const keys = [newKey(), newKey()];
    await publisher.publish(keys.map((key) => liveEvent(key, 1, { small: true })));
    await publisher.publish([liveEvent(keys[0]!, 2, { big: 'x'.repeat(20_000) })]); // > 4 KiB: gzipped
    await eventually(() => (emulator.stats.succeeded === 2 ? true : undefined), { what: 'both tasks to succeed' });
    expect(emulator.stats).toMatchObject({ tasksCreated: 2, attempts: 2, failedAttempts: 0, dropped: 0 });
    expect(await test.worker.services.repository.load(keys[0]!)).toMatchObject({ version: 2 });
    expect(await test.worker.services.repository.load(keys[1]!)).toMatchObject({ version: 1 });
  });

  it('retries a failing task with 500s, then dead-letters it on the last attempt so the queue does not drop it', async () => {
    const { test, emulator, publisher } = await setup('ct-last');
    const poisoned = newKey();
    await corruptSession(test, poisoned);
    await publisher.publish([liveEvent(poisoned, 1, {})]);
    await eventually(() => (emulator.stats.succeeded === 1 ? true : undefined), { what: 'the task to complete' });
    expect(emulator.stats).toMatchObject({ attempts: 3, failedAttempts: 2, dropped: 0 });
    const [letter] = await test.worker.services.deadLetters.list();
    expect(letter).toMatchObject({
      code: 'DATASTORE_CORRUPT_ENTITY',
      attempts: 3,
      source: expect.stringContaining(test.config.queue.name) as string,
    });
    expect(await test.metric('gaesession_worker_deliveries_failed_total')).toBe(2);
  });
});
