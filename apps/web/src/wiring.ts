import type { Logger } from '@gaesession/core';
import { createLogger, createSessions, Readiness, type Config } from '@gaesession/config';
import type { DatastoreRepository } from '@gaesession/persistence';
import type { SessionManager } from '@gaesession/session';

/** Everything the web app needs, built from the configuration, with one `close()`. */
export interface WebServices {
  readonly sessions: SessionManager;
  readonly repository: DatastoreRepository | undefined;
  readonly logger: Logger;
  /** The cache, queue and Datastore, for /healthz, /readyz and the startup check. */
  readonly readiness: Readiness;
  close(): Promise<void>;
}

export function createWebServices(config: Config, logger: Logger = createLogger({ service: 'default' })): WebServices {
  const configured = createSessions({ config, logger });
  return {
    sessions: configured.sessions,
    repository: configured.repository,
    logger,
    readiness: new Readiness(configured.checks),
    close: () => configured.close(),
  };
}
