// Redis faults on a private Redis with AOF (appendfsync always): the local queue is only as
// durable as Redis.
import { eventually, startPrivateRedis, type PrivateServer } from '@gaesession/testkit';
import { runScenario, type FaultContext, type ScenarioResult, type ScenarioSizes } from './scenario.js';
import { withApps, type ScenarioDefinition } from './stack.js';

/** Runs one scenario against a private AOF Redis that `fault` may stop and start. */
async function onPrivateRedis(
  name: string,
  label: string,
  sizes: ScenarioSizes,
  log: (line: string) => void,
  fault: (server: PrivateServer, context: FaultContext) => Promise<void>,
  appendOnly = true,
): Promise<ScenarioResult> {
  const server = await startPrivateRedis({ appendOnly });
  try {
    return await withApps(label, { redis: { host: '127.0.0.1', port: server.port } }, log, (apps, redis) =>
      runScenario({ name, apps, redis, sizes, log, fault: (context) => fault(server, context) }),
    );
  } finally {
    await server.stop();
  }
}

/** Jobs still to be delivered, once the probe's connection is back after a restart. */
function pendingJobs(context: FaultContext): Promise<number> {
  return eventually(() => context.queue.depth().catch(() => undefined), { timeoutMs: 10_000, what: 'redis' });
}

/** Stops the worker so events pile up in Redis, kills Redis, starts it again, then the worker. */
async function restartWithEventsQueued(server: PrivateServer, context: FaultContext): Promise<void> {
  context.faultStarted();
  await context.apps.worker.stop('SIGTERM');
  await context.sleep(context.sizes.phaseMs);
  await context.stopWitnesses();
  const before = await pendingJobs(context);
  await server.stop('SIGKILL');
  await server.start();
  const after = await pendingJobs(context);
  context.measure('jobsQueuedAtKill', before);
  context.measure('jobsQueuedAfterRestart', after);
  context.log(`redis killed with ${before} jobs queued; ${after} after its restart`);
  await context.apps.worker.start();
  await context.recovered();
}

export const redisRestarted: ScenarioDefinition = {
  id: 'redis-restart',
  name: 'Redis killed and restarted with events queued (AOF)',
  run: (sizes, log) => onPrivateRedis(redisRestarted.name, 'rel-redis-restart', sizes, log, restartWithEventsQueued),
};

/**
 * The control: the same without AOF. Redis comes back empty, the queued events are gone, and the
 * checker must see it (the README says so: the local queue is only as durable as Redis).
 */
export const redisRestartedWithoutAof: ScenarioDefinition = {
  id: 'redis-restart-no-aof',
  name: 'control: the same without AOF (loss expected)',
  expectLoss: true,
  run: (sizes, log) =>
    onPrivateRedis(redisRestartedWithoutAof.name, 'rel-redis-no-aof', sizes, log, restartWithEventsQueued, false),
};

export const redisStopped: ScenarioDefinition = {
  id: 'redis-down',
  name: 'Redis down for a while (AOF; sync-write fallback)',
  run: (sizes, log) =>
    onPrivateRedis(redisStopped.name, 'rel-redis-down', sizes, log, async (server, context) => {
      context.faultStarted();
      await server.stop('SIGKILL');
      context.log('redis killed');
      await context.sleep(sizes.outageMs / 2);
      await context.stopWitnesses();
      await context.sleep(sizes.outageMs / 2);
      await server.start();
      await context.recovered();
    }),
};
