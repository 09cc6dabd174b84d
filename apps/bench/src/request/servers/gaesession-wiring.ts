import { createSessions, type Config } from '@gaesession/config';
import type { DatastoreRepository } from '@gaesession/persistence';
import type { SessionManager } from '@gaesession/session';

/** The session manager and what it is built on, with one `close()`. */
export interface BenchSessions {
  readonly sessions: SessionManager;
  readonly repository: DatastoreRepository;
  readonly close: () => Promise<void>;
}

/**
 * The write-behind stack (memcached + queue + Datastore) as the web app builds it
 * (`createSessions`), with or without group enqueue.
 */
export function benchSessions(config: Config, groupEnqueue: boolean): BenchSessions {
  if (config.session.mode !== 'write-behind') throw new Error('the bench measures SESSION_MODE=write-behind');
  const configured = createSessions({ config, groupEnqueue });
  const { sessions, repository } = configured;
  if (repository === undefined) throw new Error('write-behind mode always has a repository');
  return { sessions, repository, close: () => configured.close() };
}
