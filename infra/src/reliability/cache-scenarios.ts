// Cache faults on a private cache of either kind (memcached, or a redis-server as the Valkey
// cache): flushed or restarted while events are still queued (the worker is stopped first, so they
// pile up), and unreachable for a while (SIGSTOP), then back with its old entries.
import { eventually } from '@gaesession/testkit';
import { cacheLabel, type CacheKind } from '../testing/cache-choice.fixture.js';
import { startPrivateCache, type PrivateCache } from './private-cache.js';
import { runScenario, type FaultContext, type ScenarioResult, type ScenarioSizes } from './scenario.js';
import { withApps, type ScenarioDefinition } from './stack.js';

/** The store's counter of requests that fell back to Datastore because the cache did not answer. */
const CACHE_FALLBACK = 'degraded_cache_unavailable';

/** Runs one scenario against a private cache that `fault` may flush, restart or freeze. */
async function onPrivateCache(
  kind: CacheKind,
  name: string,
  label: string,
  sizes: ScenarioSizes,
  log: (line: string) => void,
  fault: (cache: PrivateCache, context: FaultContext) => Promise<void>,
): Promise<ScenarioResult> {
  const cache = await startPrivateCache(kind);
  try {
    return await withApps(label, { cache: cache.choice }, log, (apps, redis) =>
      runScenario({ name, apps, redis, sizes, log, fault: (context) => fault(cache, context) }),
    );
  } finally {
    await cache.close();
  }
}

/**
 * Stops the worker (gracefully), lets events pile up, loses the cache with `loseCache`, keeps
 * writing, then starts the worker again.
 */
async function loseCacheWithEventsQueued(
  context: FaultContext,
  loseCache: () => Promise<void>,
  what: string,
): Promise<void> {
  context.faultStarted();
  await context.apps.worker.stop('SIGTERM');
  // Sessions born now have no event in Datastore yet when the cache loses them.
  await context.addSessions(Math.max(1, Math.round(context.sizes.sessions / 4)));
  await context.sleep(context.sizes.phaseMs);
  await context.stopWitnesses();
  const { pending } = await context.queue.counts();
  context.measure('jobsQueuedAtCacheLoss', pending);
  context.log(`worker stopped, ${pending} jobs queued; cache ${what}`);
  await loseCache();
  await context.sleep(context.sizes.phaseMs);
  await context.apps.worker.start();
  await context.recovered();
}

/**
 * Freezes the cache for the outage (the witnesses stop halfway), then thaws it. Measures
 * `cacheFallbackWarned`: 1 when the web app warned that requests fell back to Datastore. The app
 * warns at the first fallback (MetricsLog), and the fixture keeps only the end of its output, so
 * the output is watched from the freeze on rather than read once at the end.
 */
async function freezeForAWhile(cache: PrivateCache, context: FaultContext): Promise<void> {
  context.faultStarted();
  await cache.freeze();
  context.log(`${cache.kind} frozen`);
  const warned = eventually(() => (context.apps.web.output().includes(`degraded: ${CACHE_FALLBACK}`) ? 1 : undefined), {
    timeoutMs: context.sizes.outageMs,
    intervalMs: 20,
    what: `the web app's ${CACHE_FALLBACK} warning`,
  }).catch(() => 0);
  await context.sleep(context.sizes.outageMs / 2);
  await context.stopWitnesses();
  await context.sleep(context.sizes.outageMs / 2);
  context.measure('cacheFallbackWarned', await warned);
  await cache.thaw();
  await context.recovered();
}

/** The three cache fault scenarios of one cache kind. */
export interface CacheScenarios {
  readonly flushed: ScenarioDefinition;
  readonly restarted: ScenarioDefinition;
  readonly frozen: ScenarioDefinition;
}

/** The fault scenarios on a private cache of `kind`; ids `<kind>-flush`, `<kind>-restart`, `<kind>-freeze`. */
export function cacheScenarios(kind: CacheKind): CacheScenarios {
  const cache = cacheLabel(kind);
  const short = kind === 'memcached' ? 'mc' : 'vk';
  const define = (
    id: string,
    name: string,
    fault: (cache: PrivateCache, context: FaultContext) => Promise<void>,
  ): ScenarioDefinition => ({
    id: `${kind}-${id}`,
    name,
    run: (sizes, log) => onPrivateCache(kind, name, `rel-${short}-${id}`, sizes, log, fault),
  });
  return {
    flushed: define('flush', `${cache} flushed with events queued`, (server, context) =>
      loseCacheWithEventsQueued(context, () => server.flush(), 'flushed'),
    ),
    restarted: define('restart', `${cache} restarted with events queued`, (server, context) =>
      loseCacheWithEventsQueued(context, () => server.restart(), 'restarted'),
    ),
    frozen: define(
      'freeze',
      `${cache} unreachable for a while (SIGSTOP), then back with its old items`,
      freezeForAWhile,
    ),
  };
}

export const memcachedScenarios = cacheScenarios('memcached');
export const valkeyScenarios = cacheScenarios('valkey');
