import { createDatastore, createRepository, loadConfig } from '@gaesession/config';
import { BullMQPublisher } from '@gaesession/queue';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cleanup, clearNamespace, continueProcess, eventually, services, stopProcess } from '@gaesession/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatastore } from '@gaesession/persistence';
import {
  liveEvent,
  metricValue,
  namespaceOf,
  newKey,
  spawnWorker,
  startTestWorker,
  testEnv,
  testQueues,
  type ChildRun,
} from './worker.fixture.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

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
  // The test's tool, not what it tests: a publish may take as long as a busy machine needs.
  const publisher = new BullMQPublisher({
    connection: services.redis,
    queueName: config.queue.name,
    timeoutMs: 30_000,
  });
  const children: ChildRun[] = [];
  cleanup.add(async () => {
    // Every worker is gone before its queue is removed: none may still take or finish a job.
    await Promise.all(
      children.map(async ({ child, exited }) => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      }),
    );
    await publisher.close();
    await queues.close();
    await clearNamespace(datastore, namespaceOf(config));
    await closeDatastore(datastore);
  });
  const spawn = async () => {
    const run = await spawnWorker(env);
    children.push(run);
    return run;
  };
  const applied = async (url: string) =>
    metricValue(
      await (await fetch(`${url}/metrics`, { headers: { 'X-Worker-Secret': env.WORKER_SHARED_SECRET ?? '' } })).text(),
      'gaesession_worker_events_applied_total',
    );
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
    // Kill it while it holds jobs: stop it (every thread), look, and kill it only if jobs are
    // active; otherwise let it run on and look again. Stopped, it cannot finish a job between
    // the look and the kill.
    const pid = first.child.pid!;
    const activeAtKill = await eventually(
      async () => {
        await stopProcess(pid);
        const { active = 0 } = await setup.queues.counts();
        if (active > 0) {
          first.child.kill('SIGKILL');
          return active;
        }
        await continueProcess(pid);
        return undefined;
      },
      { what: 'the worker to hold active jobs', intervalMs: 5 },
    );
    expect(await first.exited).toBeNull(); // killed, not exited
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
    expect(first.child.signalCode).toBe('SIGKILL');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 150_000);
});
