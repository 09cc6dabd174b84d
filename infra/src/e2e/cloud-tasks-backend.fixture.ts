// The production queue path: Cloud Tasks (the local emulator) pushing to a worker that runs as if
// on App Engine (not built, not a test file itself).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CloudTasksClient } from '@google-cloud/tasks';
import { credentials } from '@grpc/grpc-js';
import { encodeEvents } from '@gaesession/events';
import { CloudTasksPublisher } from '@gaesession/queue';
import { services } from '@gaesession/testkit';
import { parse as parseYaml, stringify } from 'yaml';
import {
  parseQueueYaml,
  startCloudTasksEmulator,
  type CloudTasksEmulator,
  type QueueSpec,
} from '../cloud-tasks-emulator/index.js';
import { ROOT } from '../stack/state.js';
import { startApps } from '../testing/apps.fixture.js';
import { EVENT_LOG_RETENTION_MS, RETRY_LIMIT, type QueueBackend, type QueueStack } from './backend.fixture.js';

/** CLOUD_TASKS_LOCATION's default, which the apps use. */
const LOCATION = 'us-central1';
/** The worker's task path (apps/worker/src/app.ts TASK_PATH). */
const TASK_PATH = '/tasks/session-events';

/**
 * The repository's queue.yaml with its `session-events` queue renamed to `queueName` and retried
 * quickly: RETRY_LIMIT retries, 50-200 ms apart. Rate, bucket and concurrency stay as deployed.
 */
export async function e2eQueues(queueName: string): Promise<QueueSpec[]> {
  const path = join(ROOT, 'queue.yaml');
  const doc = parseYaml(await readFile(path, 'utf8')) as { queue?: Record<string, unknown>[] };
  const entry = doc.queue?.find((queue) => queue.name === 'session-events');
  if (entry === undefined) throw new Error(`${path} declares no session-events queue`);
  entry.name = queueName;
  entry.retry_parameters = {
    ...(entry.retry_parameters as Record<string, unknown> | undefined),
    task_retry_limit: RETRY_LIMIT,
    min_backoff_seconds: 0.05,
    max_backoff_seconds: 0.2,
  };
  return parseQueueYaml(stringify(doc), `${path} (end-to-end)`).queues;
}

/** A Cloud Tasks client on the emulator (see the emulator's README for the options). */
function emulatorClient(emulator: CloudTasksEmulator): CloudTasksClient {
  return new CloudTasksClient({
    apiEndpoint: emulator.host,
    port: emulator.port,
    sslCreds: credentials.createInsecure(),
    universeDomain: 'googleapis.com',
  });
}

/**
 * Both apps with QUEUE_BACKEND=cloud-tasks and CLOUD_TASKS_EMULATOR_HOST on an emulator of the
 * run's own, which pushes to the worker. The worker runs with GAE_ENV set: on its task and cron
 * endpoints it trusts only the headers App Engine sets (X-AppEngine-QueueName, X-Appengine-Cron),
 * which the emulator sets on dispatch and strips from task creates; the shared secret (which the
 * test sends as a foreign caller's) opens only /metrics there.
 */
export const cloudTasksBackend: QueueBackend = {
  name: 'cloud-tasks',
  cache: 'memcached',
  async start(): Promise<QueueStack> {
    let emulator: CloudTasksEmulator | undefined;
    let queue: QueueSpec | undefined;
    const apps = await startApps({
      label: 'e2e-ct',
      env: {
        QUEUE_BACKEND: 'cloud-tasks',
        TASK_RETRY_LIMIT: String(RETRY_LIMIT),
        EVENT_LOG_RETENTION_MS: String(EVENT_LOG_RETENTION_MS),
      },
      workerEnv: { GAE_ENV: 'standard' },
      sidecar: async ({ queueName, workerUrl }) => {
        const queues = await e2eQueues(queueName);
        queue = queues.find((spec) => spec.id === queueName);
        const started = await startCloudTasksEmulator({ port: 0, queues, targets: { worker: workerUrl } });
        emulator = started;
        return { env: { CLOUD_TASKS_EMULATOR_HOST: started.address }, close: () => started.close() };
      },
    });
    if (emulator === undefined || queue === undefined) throw new Error('the emulator sidecar did not start');
    const running = emulator;
    const allowed = queue.retry.maxAttempts;
    const client = emulatorClient(running);
    const project = services.datastore.projectId;
    const parent = `projects/${project}/locations/${LOCATION}/queues/${apps.queueName}`;
    // The web app's publisher, as createPublisher builds it from the same configuration.
    const publisher = new CloudTasksPublisher({
      project,
      location: LOCATION,
      queue: apps.queueName,
      headers: { 'X-Worker-Secret': apps.env.WORKER_SHARED_SECRET ?? '' },
      client,
    });
    return {
      apps,
      cronHeaders: { 'X-Appengine-Cron': 'true' },
      foreignCronHeaders: { 'X-Worker-Secret': apps.env.WORKER_SHARED_SECRET ?? '' },
      async redeliver(events) {
        // A re-publish carries the same task name, which Cloud Tasks refuses (ALREADY_EXISTS, taken
        // as success by the publisher): the queue's own de-duplication.
        const created = running.stats.tasksCreated;
        await publisher.publish(events);
        if (running.stats.tasksCreated !== created)
          throw new Error('the emulator accepted a re-published task name: its de-duplication is broken');
        // So post it again under another name, as a second dispatch of the same task would arrive.
        await client.createTask({
          parent,
          task: {
            name: `${parent}/tasks/redelivered-${randomBytes(8).toString('hex')}`,
            appEngineHttpRequest: {
              httpMethod: 'POST',
              appEngineRouting: { service: 'worker' },
              relativeUri: TASK_PATH,
              headers: { 'Content-Type': 'application/json' },
              body: encodeEvents(events),
            },
          },
        });
      },
      attemptsAllowed: () => Promise.resolve(allowed),
      hurryRetries: () => () => undefined,
      pending: () => {
        const { tasksCreated, succeeded, dropped, deleted } = running.stats;
        return Promise.resolve(tasksCreated - succeeded - dropped - deleted);
      },
      givenUp: () => Promise.resolve(running.stats.dropped),
      async stop() {
        await Promise.allSettled([publisher.close(), client.close()]);
        await apps.stop();
      },
    };
  },
};
