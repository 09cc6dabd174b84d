import { createDatastore, createRepository, loadConfig } from '@gaesession/config';
import { BullMQPublisher } from '@gaesession/queue';
import { Cleanup, clearNamespace, eventually, services } from '@gaesession/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatastore } from '@gaesession/persistence';
import {
  liveEvent,
  metricValue,
  newKey,
  spawnWorker,
  startTestWorker,
  testEnv,
  testQueues,
  type ChildRun,
} from './worker.fixture.js';

// A cleanup step that fails after a worker was killed does not fail the test.
const cleanup = new Cleanup();
afterEach(() => cleanup.run().catch(() => undefined));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A child-process worker on BullMQ, plus what the test needs to watch and clean up after it. */
function bullSetup(label: string) {
  const env = testEnv(label, {
    QUEUE_BACKEND: 'bullmq',
    PURGE_INTERVAL_MS: '3600000',
    WORKER_CONCURRENCY: '16',
    WORKER_LOCK_MS: '2000',
  });
  const config = loadConfig(env);
  const datastore = createDatastore(config);
  const repository = createRepository(config, datastore);
  const queues = testQueues(config.queue.name);
  const publisher = new BullMQPublisher({ connection: services.redis, queueName: config.queue.name });
  const children: ChildRun[] = [];
  cleanup.add(async () => {
    for (const child of children) if (child.child.exitCode === null) child.child.kill('SIGKILL');
    await publisher.close();
    await queues.close();
    await clearNamespace(datastore, config.datastore.namespace ?? '');
    await closeDatastore(datastore);
  });
  const spawn = async () => {
    const run = await spawnWorker(env);
    children.push(run);
    return run;
  };
  const applied = async (url: string) =>
    metricValue(await (await fetch(`${url}/metrics`)).text(), 'gaesession_worker_events_applied_total');
  return { config, repository, queues, publisher, spawn, applied };
}

/** Publishes `versions` rounds of one event per session, pausing between rounds like live traffic. */
async function stream(
  publisher: BullMQPublisher,
  keys: readonly string[],
  versions: number,
  pauseMs: number,
): Promise<void> {
  for (let version = 1; version <= versions; version++) {
    await publisher.publish(keys.map((key) => liveEvent(key, version, { version })));
    await sleep(pauseMs);
  }
}

describe('graceful shutdown', () => {
  it('answers the pushes in flight once durable, then stops (HTTP)', async () => {
    const test = cleanup.track(await startTestWorker('drain-http', { BATCH_MAX_WAIT_MS: '300' }));
    const key = newKey();
    const pending = test.push([liveEvent(key, 1, {})]);
    // The push waits in the committer's 300 ms window when the close begins.
    await eventually(() => (test.worker.services.committer.pending === 1 ? true : undefined), { intervalMs: 5 });
    expect(test.worker.services.committer.stats.batches).toBe(0);
    const closed = test.worker.close();
    const response = await pending;
    expect(response.status).toBe(200);
    await closed;
    expect(test.worker.services.committer.stats).toMatchObject({ batches: 1, events: 1 });
    expect(await test.worker.services.repository.load(key)).toMatchObject({ version: 1 });
    await expect(fetch(`${test.worker.url}/healthz`)).rejects.toThrow();
  });

  it('on SIGTERM finishes the jobs in flight, exits 0, and leaves the rest queued (BullMQ)', async () => {
    const setup = bullSetup('drain-bull');
    const keys = Array.from({ length: 20 }, newKey);
    const first = await setup.spawn();
    const publishing = stream(setup.publisher, keys, 10, 30);
    await eventually(async () => ((await setup.applied(first.url)) > 0 ? true : undefined), {
      what: 'some events applied',
    });
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('"message":"worker stopped"');
    // Drained: no job was left behind in the active state.
    expect((await setup.queues.counts()).active).toBe(0);
    await publishing;

    const second = await setup.spawn();
    await eventually(async () => ((await setup.queues.pending()) === 0 ? true : undefined), {
      what: 'the queue to drain',
      timeoutMs: 30_000,
    });
    for (const key of keys)
      expect(await setup.repository.load(key)).toMatchObject({ version: 10, attrs: { version: 10 } });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});

describe('crash', () => {
  it('a SIGKILL mid-stream loses nothing and reverts nothing once a new worker has drained the queue', async () => {
    const setup = bullSetup('crash');
    const keys = Array.from({ length: 20 }, newKey);
    const versions = 15;
    const first = await setup.spawn();
    const publishing = stream(setup.publisher, keys, versions, 40);
    await eventually(async () => ((await setup.applied(first.url)) >= 40 ? true : undefined), {
      what: 'the stream to be under way',
    });
    first.child.kill('SIGKILL');
    const activeAtKill = (await setup.queues.counts()).active ?? 0;
    await first.exited;
    await publishing;

    // Jobs the killed worker held stay active until their lock expires (WORKER_LOCK_MS, 2 s here)
    // and a stalled-job check moves them back: a few seconds.
    const second = await setup.spawn();
    await eventually(async () => ((await setup.queues.pending()) === 0 ? true : undefined), {
      what: 'the queue to drain',
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    for (const key of keys) {
      expect(await setup.repository.load(key)).toMatchObject({ version: versions, attrs: { version: versions } });
    }
    expect((await setup.queues.counts()).failed).toBe(0);
    expect(activeAtKill).toBeGreaterThan(0);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 150_000);
});
