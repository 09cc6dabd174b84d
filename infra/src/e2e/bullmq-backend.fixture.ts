// The local queue path: BullMQ on the shared Redis (not built, not a test file itself).
import { BullMQPublisher, jobIdOf } from '@gaesession/queue';
import { services } from '@gaesession/testkit';
import { Queue } from 'bullmq';
import { startApps } from '../testing/apps.fixture.js';
import { sharedCache, type CacheKind } from '../testing/cache-choice.fixture.js';
import { EVENT_LOG_RETENTION_MS, RETRY_LIMIT, type QueueBackend, type QueueStack } from './backend.fixture.js';

/** How often delayed retries are promoted while {@link QueueStack.hurryRetries} runs, in ms. */
const PROMOTE_EVERY_MS = 50;

/**
 * Both apps with QUEUE_BACKEND=bullmq, their sessions in the machine's shared `cache`. The worker
 * consumes the jobs and, off App Engine, accepts the cron endpoint only with the shared secret.
 */
export const bullmqBackend = (cache: CacheKind): QueueBackend => ({
  name: 'bullmq',
  cache,
  async start(): Promise<QueueStack> {
    const apps = await startApps({
      label: cache === 'memcached' ? 'e2e-bullmq' : `e2e-bullmq-${cache}`,
      services: { cache: sharedCache(cache) },
      env: {
        QUEUE_BACKEND: 'bullmq',
        TASK_RETRY_LIMIT: String(RETRY_LIMIT),
        EVENT_LOG_RETENTION_MS: String(EVENT_LOG_RETENTION_MS),
        // The scenarios call the purge themselves; the worker's own schedule must not race them.
        PURGE_INTERVAL_MS: String(24 * 3_600_000),
      },
    });
    const connection = { host: services.redis.host, port: services.redis.port };
    // The web app's publisher, as createPublisher builds it from the same configuration; the
    // test's tool here, so a publish may take as long as a busy machine needs.
    const publisher = new BullMQPublisher({ connection, queueName: apps.queueName, timeoutMs: 30_000 });
    const queue = new Queue(apps.queueName, { connection });
    const secret = apps.env.WORKER_SHARED_SECRET ?? '';
    return {
      apps,
      cronHeaders: { 'X-Worker-Secret': secret },
      foreignCronHeaders: { 'X-Appengine-Cron': 'true' },
      async redeliver(events) {
        // Completed jobs are removed, so the event's job id is free again: BullMQ takes the same
        // event a second time (it only de-duplicates ids of jobs it still holds).
        await publisher.publish(events);
      },
      async attemptsAllowed(eventId) {
        const job = await queue.getJob(jobIdOf(eventId));
        if (job === undefined) throw new Error(`no job for event ${eventId} in queue ${apps.queueName}`);
        return job.opts.attempts ?? 1;
      },
      hurryRetries() {
        // Time travel, not a shortcut: every attempt still runs and fails in the worker; only the
        // exponential backoff (1 s, 2 s, 4 s... from the web app's publisher) is skipped.
        const timer = setInterval(() => {
          queue.promoteJobs().catch(() => undefined);
        }, PROMOTE_EVERY_MS);
        return () => {
          clearInterval(timer);
        };
      },
      async pending() {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
        return Object.values(counts).reduce((sum, count) => sum + count, 0);
      },
      async givenUp() {
        return (await queue.getJobCounts('failed')).failed ?? 0;
      },
      async stop() {
        await Promise.allSettled([publisher.close(), queue.close()]);
        await apps.stop();
      },
    };
  },
});
