import { healthHandlers, Readiness } from '@gaesession/config';
import express, { type Express } from 'express';
import { requirePlatform, type AuthPolicy } from './auth.js';
import { errorHandler, notFound, requestLogging } from '@gaesession/core';
import { PURGE_PATH, TASK_PATH } from '@gaesession/events';
import type { WorkerMetrics } from './metrics.js';
import type { DeadLetterDependencies, Delivery, DeliveryOutcome } from './process-payload.js';
import type { PurgeRunner } from './purge.js';
import { taskHandler } from './task-route.js';

export interface WorkerAppDependencies extends DeadLetterDependencies {
  /** Handles one delivery (see `processPayload`). */
  process: (delivery: Delivery) => Promise<DeliveryOutcome>;
  purge: PurgeRunner;
  metrics: Pick<WorkerMetrics, 'text' | 'contentType'>;
  /** Who may call the task and cron endpoints. */
  auth: AuthPolicy;
  /** The Google Cloud project, for the trace field of request log lines. */
  projectId: string;
  /** queue.yaml's `task_retry_limit` (TASK_RETRY_LIMIT): the attempt with this many retries is the last. */
  retryLimit: number;
  /** Largest task body, in bytes. @defaultValue 1048576 (1 MiB) */
  maxBodyBytes?: number;
  /** The dependencies /healthz and /readyz report. @defaultValue none */
  readiness?: Readiness;
  /** False once the worker is stopping: /healthz and /readyz then answer 503. @defaultValue always serving */
  serving?: () => boolean;
  /** Opens connections ahead of traffic, for /_ah/warmup; failures are logged, not answered. */
  warm?: () => Promise<void>;
}

/** The worker service's HTTP app (App Engine service `worker`). */
export function createWorkerApp(deps: WorkerAppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLogging(deps.logger, { projectId: deps.projectId }));

  const health = healthHandlers(deps.readiness ?? new Readiness([]), deps.serving);
  app.get('/healthz', health.healthz);
  app.get('/readyz', health.readyz);
  app.get('/_ah/warmup', async (_req, res) => {
    await deps.warm?.().catch((error: unknown) => {
      deps.logger.warn('warmup could not reach Datastore', { error });
    });
    res.type('text').send('warm');
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.contentType).send(await deps.metrics.text());
  });

  app.post(TASK_PATH, requirePlatform('task', deps.auth), taskHandler({ ...deps, queueName: deps.auth.queueName }));
  app.get(PURGE_PATH, requirePlatform('cron', deps.auth), async (req, res) => {
    const cursor = req.query.cursor;
    res
      .set('Cache-Control', 'no-store')
      .json(await deps.purge(typeof cursor === 'string' && cursor !== '' ? cursor : undefined));
  });

  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
