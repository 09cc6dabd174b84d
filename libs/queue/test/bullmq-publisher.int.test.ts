import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeEvents, MAX_TASK_BYTES } from '@gaesession/events';
import { Cleanup, eventually, freePort, services, uniqueName } from '@gaesession/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { consumeEvents, type Consumer, type ReceivedEvents } from '../src/bullmq-consumer.js';
import { BullMQPublisher, EVENT_JOB_NAME, type BullMQPublisherOptions } from '../src/bullmq-publisher.js';
import { batchJobIdOf, jobIdOf } from '../src/job-id.js';
import { BullMQInspector } from '../src/queue-inspector.js';
import { sampleEvent } from '../src/queue.fixture.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** A fresh queue name, with an admin handle that obliterates the queue after the test. */
function testQueue(label: string): { queueName: string; admin: Queue } {
  const queueName = uniqueName(label);
  const admin = new Queue(queueName, { connection: services.redis });
  cleanup.add(async () => {
    await admin.obliterate({ force: true });
    await admin.close();
  });
  return { queueName, admin };
}

/**
 * A publisher; on the shared Redis, with a timeout a busy machine cannot run out (the tests of
 * failing fast use servers of their own, where the default applies).
 */
function publisher(options: BullMQPublisherOptions): BullMQPublisher {
  const shared = options.connection === services.redis && options.timeoutMs === undefined;
  return cleanup.track(new BullMQPublisher(shared ? { ...options, timeoutMs: 30_000 } : options));
}

async function consumer(queueName: string, handler: (received: ReceivedEvents) => Promise<void>): Promise<Consumer> {
  return cleanup.track(await consumeEvents({ connection: services.redis, queueName }, handler));
}

describe('BullMQPublisher with consumeEvents', () => {
  it('delivers exactly the published event, once, as its encoded payload', async () => {
    const { queueName, admin } = testQueue('deliver');
    const received: ReceivedEvents[] = [];
    await consumer(queueName, (delivery) => {
      received.push(delivery);
      return Promise.resolve();
    });
    const event = sampleEvent({ user: 'ada' });
    await publisher({ connection: services.redis, queueName }).publish([event]);

    await eventually(() => (received.length > 0 ? true : undefined), { what: 'the delivery' });
    // Once the job is done (completed jobs are removed), no second delivery can follow.
    await eventually(async () =>
      (await admin.getJobCounts('waiting', 'active', 'delayed')).active === 0 ? true : undefined,
    );
    expect(await admin.getJob(jobIdOf(event.id))).toBeUndefined();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ jobId: jobIdOf(event.id), attempt: 1, maxAttempts: 10 });
    expect(decodeEvents(received[0]?.payload ?? '')).toEqual([event]);
    expect(received[0]?.invalid).toBeUndefined();
  });

  it('keeps one job per event, or per batch, however often it is published', async () => {
    const { queueName, admin } = testQueue('dedupe');
    const events = [sampleEvent(), sampleEvent()];
    const sender = publisher({ connection: services.redis, queueName });
    await sender.publish([events[0]!]);
    await sender.publish([events[0]!]);
    await sender.publish(events);
    await sender.publish([...events].reverse());

    const jobs = await admin.getJobs(['waiting']);
    const batchId = batchJobIdOf(events.map((event) => event.id));
    expect(jobs.map((job) => job.id).sort()).toEqual([events[0]!.id, batchId].sort());
    expect(jobs.every((job) => job.name === EVENT_JOB_NAME)).toBe(true);
  });

  it('carries the events of one publish in one job, encoded once, that the consumer decodes whole', async () => {
    const { queueName, admin } = testQueue('batch');
    const events = [sampleEvent({ n: '1' }), sampleEvent({ n: '2' }), sampleEvent({ n: '3' })];
    await publisher({ connection: services.redis, queueName }).publish(events);
    expect(await admin.count()).toBe(1);
    const inspector = cleanup.track(new BullMQInspector({ connection: services.redis, queueName }));
    const pending = await inspector.pendingEvents(events[1]!.key);
    expect(pending.map((event) => event.id)).toEqual([events[1]!.id]);

    const received: ReceivedEvents[] = [];
    await consumer(queueName, (delivery) => {
      received.push(delivery);
      return Promise.resolve();
    });
    await eventually(() => (received.length > 0 ? true : undefined), { what: 'the delivery' });
    expect(received).toHaveLength(1);
    expect(received[0]?.jobId).toBe(batchJobIdOf(events.map((event) => event.id)));
    expect(received[0]?.payload).toBe(JSON.stringify(events));
    expect(decodeEvents(received[0]?.payload ?? '')).toEqual(events);
  });

  it('splits a publish over several jobs when one would exceed maxEventBytes', async () => {
    const { queueName, admin } = testQueue('split');
    const events = Array.from({ length: 6 }, (_, n) => sampleEvent({ n: String(n), pad: 'x'.repeat(3000) }));
    await publisher({ connection: services.redis, queueName, maxEventBytes: 8000 }).publish(events);
    const jobs = await admin.getJobs(['waiting']);
    expect(jobs.length).toBeGreaterThan(1);
    const payloads = jobs.map((job) => (job.data as { payload: string }).payload);
    // over the codec's 4 KiB, yet not gzipped: only what would not fit otherwise is compressed
    expect(payloads.every((payload) => payload.length > 4096 && payload.startsWith('['))).toBe(true);
    const carried = payloads.flatMap((payload) => decodeEvents(payload));
    expect(carried.map((event) => event.id).sort()).toEqual(events.map((event) => event.id).sort());
  });

  it('retries a failing handler with growing attempt numbers until it succeeds', async () => {
    const { queueName, admin } = testQueue('retry');
    const attempts: number[] = [];
    const maxAttempts = new Set<number>();
    await consumer(queueName, (delivery) => {
      const { attempt } = delivery;
      attempts.push(attempt);
      maxAttempts.add(delivery.maxAttempts);
      return attempt < 3 ? Promise.reject(new Error(`attempt ${attempt} fails`)) : Promise.resolve();
    });
    await publisher({ connection: services.redis, queueName, attempts: 4, backoffMs: 20 }).publish([sampleEvent()]);

    await eventually(() => (attempts.length >= 3 ? true : undefined), { what: 'three attempts' });
    await eventually(async () =>
      (await admin.getJobCounts('completed', 'waiting', 'delayed', 'active')).delayed === 0 ? true : undefined,
    );
    expect(attempts).toEqual([1, 2, 3]);
    expect([...maxAttempts]).toEqual([4]);
    // completed jobs are removed
    expect(await admin.getJobCounts('completed', 'waiting', 'delayed', 'active', 'failed')).toEqual({
      completed: 0,
      waiting: 0,
      delayed: 0,
      active: 0,
      failed: 0,
    });
  });

  it('keeps a job that failed every attempt, for inspection', async () => {
    const { queueName, admin } = testQueue('failed');
    await consumer(queueName, () => Promise.reject(new Error('always')));
    const event = sampleEvent();
    await publisher({ connection: services.redis, queueName, attempts: 2, backoffMs: 10 }).publish([event]);

    const state = await eventually(async () => {
      const current = await admin.getJobState(jobIdOf(event.id));
      return current === 'failed' ? current : undefined;
    });
    expect(state).toBe('failed');
    expect((await admin.getJob(jobIdOf(event.id)))?.attemptsMade).toBe(2);
  });

  it('hands a payload over undecoded, and a job without one as invalid', async () => {
    const { queueName, admin } = testQueue('invalid');
    const received: ReceivedEvents[] = [];
    await consumer(queueName, (delivery) => {
      received.push(delivery);
      return Promise.resolve();
    });
    await admin.add(EVENT_JOB_NAME, { payload: 'not json' }, { jobId: 'bad-payload' });
    await admin.add('other-job', { something: 1 }, { jobId: 'no-payload' });

    const deliveries = await eventually(() => (received.length === 2 ? received : undefined));
    const byId = new Map(deliveries.map((delivery) => [delivery.jobId, delivery]));
    // Decoding (and refusing 'not json') is the worker's job, done once there.
    expect(byId.get('bad-payload')).toMatchObject({ payload: 'not json' });
    expect(byId.get('bad-payload')?.invalid).toBeUndefined();
    expect(byId.get('no-payload')).toMatchObject({ payload: '{"something":1}' });
    expect(byId.get('no-payload')?.invalid?.code).toBe('EVENT_INVALID');
  });

  it('drains the jobs in flight when the consumer closes', async () => {
    const { queueName, admin } = testQueue('drain');
    let started = 0;
    let finished = 0;
    const draining = await consumeEvents({ connection: services.redis, queueName }, async () => {
      started += 1;
      await sleep(300);
      finished += 1;
    });
    const sender = publisher({ connection: services.redis, queueName });
    await Promise.all([sender.publish([sampleEvent()]), sender.publish([sampleEvent()])]);
    await eventually(() => (started === 2 ? true : undefined), { what: 'both jobs to start' });

    await draining.close();
    expect(finished).toBe(2);
    expect(await admin.getJobCounts('active', 'waiting', 'completed', 'failed')).toEqual({
      active: 0,
      waiting: 0,
      completed: 0,
      failed: 0,
    });
  });

  it('refuses an oversized event before writing anything', async () => {
    const { queueName, admin } = testQueue('too-large');
    const big = sampleEvent({ blob: randomBytes(MAX_TASK_BYTES).toString('base64') });
    const sender = publisher({ connection: services.redis, queueName });
    await expect(sender.publish([sampleEvent(), big])).rejects.toMatchObject({ code: 'EVENT_TOO_LARGE' });
    expect(await admin.count()).toBe(0);
  });

  it('fails fast with QUEUE_UNAVAILABLE when nothing listens on the port', async () => {
    const port = await freePort();
    const sender = publisher({ connection: { host: '127.0.0.1', port }, queueName: uniqueName('nowhere') });
    for (let round = 0; round < 2; round += 1) {
      const started = Date.now();
      await expect(sender.publish([sampleEvent()])).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
      expect(Date.now() - started).toBeLessThan(2000);
    }
  });

  it('recovers when the connection it was built on comes back', async () => {
    const { queueName, admin } = testQueue('rebuilt');
    const client = new Redis({ ...services.redis, lazyConnect: true, enableOfflineQueue: false });
    cleanup.add(() => {
      client.disconnect();
    });
    client.disconnect(); // BullMQ sets its queue up on a closed client, and that setup fails
    const sender = publisher({ connection: client, queueName });
    await expect(sender.publish([sampleEvent()])).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });

    await client.connect();
    const event = sampleEvent();
    await sender.publish([event]);
    expect((await admin.getJob(jobIdOf(event.id)))?.data).toEqual({ payload: JSON.stringify([event]) });
  });
});
