import type { SessionCache } from '@gaesession/cache';
import { DEFAULT_TIMEOUT_MS, isSessionError, type PrincipalSession } from '@gaesession/core';
import type { SessionRepository } from '@gaesession/persistence';
import { ttlSeconds } from './ttl.js';

/** Sessions ended per page: one Datastore transaction, and this many cache tombstones at most 16 at a time. */
const PAGE = 200;
const CACHE_CONCURRENCY = 16;

export interface EndAllTarget {
  readonly cache: SessionCache;
  readonly repository: SessionRepository;
  /** True when a cache failure may be skipped (Datastore's tombstone is the one that lasts). */
  readonly degradeOnCacheFailure: (error: unknown) => boolean;
  readonly now: () => number;
}

/**
 * Ends every live session of `principal` but `except`, page by page: each page's sessions get a
 * tombstone in the cache (so no request of theirs can write again) and then, in one transaction, in
 * Datastore, as a single logout does. A session created meanwhile is either found by a later page
 * and ended, or created after its page was read: it is never half ended. Answers how many ended.
 */
export async function destroyByPrincipal(
  target: EndAllTarget,
  principal: string,
  except: ReadonlySet<string>,
): Promise<number> {
  let ended = 0;
  let cursor: string | undefined;
  do {
    const page = await target.repository.listByPrincipal(principal, {
      limit: PAGE,
      ...(cursor === undefined ? {} : { cursor }),
    });
    const sessions = page.sessions.filter((session) => !except.has(session.key));
    const now = target.now();
    await tombstonesInCache(target, sessions, now);
    ended += await target.repository.destroyMany(
      sessions.map((session) => session.key),
      { now, fallbackTimeoutMs: DEFAULT_TIMEOUT_MS },
    );
    cursor = page.cursor;
  } while (cursor !== undefined);
  return ended;
}

async function tombstonesInCache(target: EndAllTarget, sessions: readonly PrincipalSession[], now: number) {
  const queue = [...sessions];
  const lane = async (): Promise<void> => {
    for (let session = queue.shift(); session !== undefined; session = queue.shift()) {
      try {
        await target.cache.set(session.key, { tombstone: true }, ttlSeconds(session.expiresAt, now));
      } catch (error) {
        if (!isSessionError(error, 'CACHE_UNAVAILABLE') || !target.degradeOnCacheFailure(error)) throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CACHE_CONCURRENCY, queue.length) }, lane));
}
