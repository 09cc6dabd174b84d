import { createCache, createQueueInspector, type Config } from '@gaesession/config';
import type { QueueInspector } from '@gaesession/queue';
import { cliContext, type CliContext } from './context.js';

/** The session cache, as the configuration names it. */
export type AdminCache = ReturnType<typeof createCache>;

/**
 * What the admin commands work on: the worker's Datastore (dead letters, repository), and, made
 * on first use, the session cache and a read-only view of the queue. `close()` closes what was made.
 */
export interface AdminContext extends CliContext {
  readonly cache: AdminCache;
  readonly queue: QueueInspector;
}

export function adminContext(config: Config): AdminContext {
  const base = cliContext(config);
  let cache: AdminCache | undefined;
  let queue: QueueInspector | undefined;
  return {
    config: base.config,
    datastore: base.datastore,
    deadLetters: base.deadLetters,
    repository: base.repository,
    get cache() {
      cache ??= createCache(config);
      return cache;
    },
    get queue() {
      queue ??= createQueueInspector(config);
      return queue;
    },
    close: async () => {
      await Promise.allSettled([cache?.close(), queue?.close()]);
      await base.close();
    },
  };
}
