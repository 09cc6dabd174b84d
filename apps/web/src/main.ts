// The web service (App Engine `default`): `npm start` runs this with PORT set.
import { ConfigVariableError, loadConfig, loggerFromConfig, resolveSecrets, type Config } from '@gaesession/config';
import { createWebApp } from './app.js';
import { createWebServices } from './wiring.js';

/** How long a graceful stop may take before the process gives up and exits 1, in ms. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

let config: Config;
try {
  config = loadConfig(await resolveSecrets(process.env), { service: 'web' });
} catch (error) {
  if (!(error instanceof ConfigVariableError)) throw error;
  console.error(`web: ${error.message}`);
  process.exit(2);
}
const logger = loggerFromConfig(config, { service: 'default' });
const services = createWebServices(config, logger);
let stopping = false;
const app = createWebApp({
  sessions: services.sessions,
  repository: services.repository,
  logger,
  projectId: config.projectId,
  readiness: services.readiness,
  serving: () => !stopping,
});

const server = app.listen(config.port, () => {
  logger.info('web started', {
    url: `http://127.0.0.1:${config.port}`,
    mode: config.session.mode,
    cache: config.cache.backend,
    queue: config.queue.backend,
    project: config.projectId,
  });
  // One line per dependency that does not answer, at once: a wrong address shows at startup.
  void services.readiness.logProblems(logger);
});

function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  logger.info('web stopping', { signal });
  server.close(() => {
    services.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('web stopped with an error', { signal, error });
        process.exit(1);
      },
    );
  });
  server.closeIdleConnections();
  setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS).unref();
}
process.on('SIGTERM', () => {
  shutdown('SIGTERM');
});
process.on('SIGINT', () => {
  shutdown('SIGINT');
});
