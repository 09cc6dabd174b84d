// memcached faults on a private memcached: flushed or restarted while events are still queued
// (the worker is stopped first, so they pile up), and unreachable for a while.
import { startPrivateMemcached, type PrivateServer } from '@gaesession/testkit';
import { flushAll } from './memcached.js';
import { runScenario, type FaultContext, type ScenarioResult, type ScenarioSizes } from './scenario.js';
import { withApps, type ScenarioDefinition } from './stack.js';

/** Runs one scenario against a private memcached that `fault` may flush, stop or freeze. */
async function onPrivateMemcached(
  name: string,
  label: string,
  sizes: ScenarioSizes,
  log: (line: string) => void,
  fault: (server: PrivateServer, context: FaultContext) => Promise<void>,
): Promise<ScenarioResult> {
  const server = await startPrivateMemcached();
  try {
    return await withApps(label, { memcached: server.address }, log, (apps, redis) =>
      runScenario({ name, apps, redis, sizes, log, fault: (context) => fault(server, context) }),
    );
  } finally {
    await server.thaw();
    await server.stop();
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

export const memcachedFlushed: ScenarioDefinition = {
  id: 'memcached-flush',
  name: 'memcached flushed with events queued',
  run: (sizes, log) =>
    onPrivateMemcached(memcachedFlushed.name, 'rel-mc-flush', sizes, log, (server, context) =>
      loseCacheWithEventsQueued(context, () => flushAll(server.address), 'flushed'),
    ),
};

export const memcachedRestarted: ScenarioDefinition = {
  id: 'memcached-restart',
  name: 'memcached restarted with events queued',
  run: (sizes, log) =>
    onPrivateMemcached(memcachedRestarted.name, 'rel-mc-restart', sizes, log, (server, context) =>
      loseCacheWithEventsQueued(
        context,
        async () => {
          await server.stop('SIGKILL');
          await server.start();
        },
        'restarted',
      ),
    ),
};

export const memcachedFrozen: ScenarioDefinition = {
  id: 'memcached-freeze',
  name: 'memcached unreachable for a while (SIGSTOP), then back with its old items',
  run: (sizes, log) =>
    onPrivateMemcached(memcachedFrozen.name, 'rel-mc-freeze', sizes, log, async (server, context) => {
      context.faultStarted();
      await server.freeze();
      context.log('memcached frozen');
      await context.sleep(sizes.outageMs / 2);
      await context.stopWitnesses();
      await context.sleep(sizes.outageMs / 2);
      await server.thaw();
      await context.recovered();
    }),
};
