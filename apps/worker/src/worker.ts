import { loadConfig, type Config } from '@gaesession/config';
import type { Logger } from '@gaesession/core';
import type { StartingConsumer } from '@gaesession/queue';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Express, Router } from 'express';
import { createWorkerApp, createWorkerRouter } from './app.js';
import { startLocalQueue } from './bullmq.js';
import type { Delivery } from './process-payload.js';
import { createWorkerServices, type WorkerServices, type WorkerServicesOptions } from './wiring.js';

export interface WorkerOptions extends WorkerServicesOptions {
  /** @defaultValue `loadConfig(process.env, { service: 'worker' })`: the environment */
  config?: Config;
  /**
   * With QUEUE_BACKEND=bullmq, consume the event queue and run the purge schedule in this process
   * (Cloud Tasks pushes to the endpoints instead). @defaultValue true
   */
  consumeLocalQueue?: boolean;
}

/** The worker, built and consuming, not listening: serve `app`, or mount `router` in your own app. */
export interface Worker {
  readonly config: Config;
  readonly services: WorkerServices;
  /**
   * The task and cron endpoints (`POST /tasks/session-events`, `GET /tasks/purge`): mount it at
   * the root of an existing Express app, before its body parsers and session middleware.
   */
  readonly router: Router;
  /** The whole worker service: the router, `/healthz`, `/_ah/warmup`, `/metrics` and 404 answers. */
  readonly app: Express;
  /** Stops taking work: `/healthz` answers 503, the BullMQ consumer stops once its jobs in flight are done. */
  stopIntake(): Promise<void>;
  /**
   * `stopIntake()`, then flushes the group commit and closes the clients. Close your HTTP server
   * first, so the pushes in flight are answered. Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/**
 * The worker service for your own deployment, configured from the environment (see the README's
 * configuration table): what the `gaesession-worker` bin serves, and what an app that runs the
 * worker inside itself mounts (`app.use(worker.router)`).
 */
export async function createWorker(options: WorkerOptions = {}): Promise<Worker> {
  const { config = loadConfig(process.env, { service: 'worker' }), consumeLocalQueue = true, ...rest } = options;
  const services = createWorkerServices(config, rest);
  let stopping = false;
  const deps = {
    process: (delivery: Delivery) => services.process(delivery),
    purge: services.purge,
    deadLetters: services.deadLetters,
    logger: services.logger,
    observer: services.metrics,
    auth: { onAppEngine: config.onAppEngine, queueName: config.queue.name, sharedSecret: config.worker.sharedSecret },
    retryLimit: config.worker.retryLimit,
    projectId: config.projectId,
  };
  const app = createWorkerApp({
    ...deps,
    metrics: services.metrics,
    readiness: services.readiness,
    serving: () => !stopping,
    warm: async () => {
      await services.repository.load('warmup');
    },
  });
  let local: StartingConsumer | undefined;
  if (consumeLocalQueue && config.queue.backend === 'bullmq') {
    try {
      local = startLocalQueue({
        connection: config.queue.redis,
        queueName: config.queue.name,
        concurrency: config.worker.concurrency,
        lockMs: config.worker.lockMs,
        purgeEveryMs: config.worker.purgeIntervalMs,
        process: (delivery) => services.process(delivery),
        purge: () => services.purge(),
        logger: services.logger,
      });
      await waitForLocalQueue(local, config, services.logger);
    } catch (error) {
      await services.close();
      throw error;
    }
  }
  let stoppingIntake: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  const stopIntake = () =>
    (stoppingIntake ??= (async () => {
      stopping = true;
      await local?.close();
    })());
  return {
    config,
    services,
    router: createWorkerRouter(deps),
    app,
    stopIntake,
    close: () =>
      (closing ??= (async () => {
        await stopIntake();
        await services.close();
      })()),
  };
}

/** How long a start waits for Redis before it goes on without it (the queue connects later). */
const LOCAL_QUEUE_WAIT_MS = 5000;

/**
 * Waits (a little) until the local queue takes jobs, so a started worker is a consuming one; when
 * Redis does not answer, says so in one line and starts anyway: the consumer takes the jobs once
 * it connects (`/readyz` tells meanwhile).
 */
async function waitForLocalQueue(local: StartingConsumer, config: Config, logger: Logger): Promise<void> {
  const connected = await Promise.race([
    local.ready.then(
      () => true,
      () => false,
    ),
    sleep(LOCAL_QUEUE_WAIT_MS, false),
  ]);
  if (connected) return;
  const { host, port } = config.queue.redis;
  logger.error(
    `the local queue cannot reach Redis at ${host}:${port} (REDIS_HOST, REDIS_PORT): it takes no events until it can`,
    { dependency: 'queue' },
  );
}
