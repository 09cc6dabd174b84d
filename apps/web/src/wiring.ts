import type { Config } from '@gaesession/config';
import type { DatastoreRepository } from '@gaesession/persistence';
import { SessionManager } from '@gaesession/session';
import { createSessionStore, type CounterMetrics } from '@gaesession/store';

/** Everything the web app needs, built from the configuration, with one `close()`. */
export interface WebServices {
  sessions: SessionManager;
  repository: DatastoreRepository | undefined;
  metrics: CounterMetrics;
  close(): Promise<void>;
}

export function createWebServices(config: Config): WebServices {
  const configured = createSessionStore(config);
  const { store, repository, metrics } = configured;
  const sessions = new SessionManager({
    store,
    timeout: config.session.timeoutMs,
    touchAfter: config.session.touchAfter,
    cookie: { secrets: config.session.cookieSecrets, allowHttp: config.session.allowHttp },
  });
  return { sessions, repository, metrics, close: () => configured.close() };
}
