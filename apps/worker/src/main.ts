#!/usr/bin/env node
// The worker service (App Engine `worker`), and the `gaesession-worker` bin of @gaesession/worker:
// `npm start` runs this with PORT set.
import { ConfigVariableError, loadConfig, loggerFromConfig, resolveSecrets, type Config } from '@gaesession/config';
import { startWorker } from './server.js';

/** How long a graceful stop may take before the process gives up and exits 1, in ms. */
const SHUTDOWN_TIMEOUT_MS = 25_000;

let config: Config;
try {
  config = loadConfig(await resolveSecrets(process.env), { service: 'worker' });
} catch (error) {
  if (!(error instanceof ConfigVariableError)) throw error;
  console.error(`worker: ${error.message}`);
  process.exit(2);
}
const logger = loggerFromConfig(config, { service: 'worker' });
try {
  const worker = await startWorker(config, { port: config.port, logger });
  logger.info('worker started', {
    url: worker.url,
    port: worker.port,
    queue: config.queue.backend,
    queueName: config.queue.name,
    onAppEngine: config.onAppEngine,
    project: config.projectId,
    namespace: config.datastore.namespace ?? null,
  });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('worker stopping', { signal });
    setTimeout(() => {
      logger.error('worker did not stop in time', { timeoutMs: SHUTDOWN_TIMEOUT_MS });
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    worker.close().then(
      () => {
        logger.info('worker stopped', { signal });
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('worker stopped with an error', { signal, error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
  // One line per dependency that does not answer, at once: a wrong address shows at startup. After
  // the signal handlers: a SIGTERM while it waits must still drain the jobs in flight, not kill.
  await worker.services.readiness.logProblems(logger);
} catch (error) {
  logger.error('worker failed to start', { error });
  process.exit(1);
}
