// Worker faults: killed mid-batch and restarted; two workers at once.
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningApps } from '../testing/apps.fixture.js';
import type { QueueProbe } from './queue-probe.js';
import { metricValue } from './soak-sampler.js';
import { runScenario } from './scenario.js';
import { withApps, type ScenarioDefinition } from './stack.js';

/** Polls until the worker holds jobs (so the kill lands mid-batch); how many, or 0 after `timeoutMs`. */
async function activeJobs(queue: QueueProbe, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { active } = await queue.counts();
    if (active > 0 || Date.now() >= deadline) return active;
    await sleep(2);
  }
}

/** Events a worker has made durable so far, from its /metrics. */
async function eventsApplied(apps: RunningApps, workerUrl: string): Promise<number> {
  return metricValue(await apps.workerMetricsText(workerUrl), 'gaesession_worker_events_applied_total') ?? 0;
}

export const workerKilled: ScenarioDefinition = {
  id: 'worker-kill',
  name: 'worker killed (SIGKILL) mid-batch, restarted',
  run: (sizes, log) =>
    withApps('rel-worker-kill', {}, log, (apps, redis) =>
      runScenario({
        name: workerKilled.name,
        apps,
        redis,
        sizes,
        log,
        fault: async (context) => {
          context.faultStarted();
          await context.stopWitnesses();
          const active = await activeJobs(context.queue, 5000);
          await apps.worker.stop('SIGKILL');
          context.measure('jobsActiveAtKill', active);
          context.log(`worker killed with ${active} jobs active`);
          await context.sleep(sizes.outageMs);
          await apps.worker.start();
          await context.recovered();
        },
      }),
    ),
};

export const twoWorkers: ScenarioDefinition = {
  id: 'two-workers',
  name: 'two worker processes at once',
  run: (sizes, log) =>
    withApps('rel-two-workers', {}, log, (apps, redis) =>
      runScenario({
        name: twoWorkers.name,
        apps,
        redis,
        sizes,
        log,
        fault: async (context) => {
          context.faultStarted();
          const second = await apps.addWorker();
          context.log('second worker running');
          await context.sleep(sizes.outageMs / 2);
          await context.stopWitnesses();
          await context.sleep(sizes.outageMs / 2);
          // Evidence that both consumed the queue, not one idling beside the other.
          context.measure('eventsAppliedByFirst', await eventsApplied(apps, apps.worker.url));
          context.measure('eventsAppliedBySecond', await eventsApplied(apps, second.url));
          // Both keep running through the drain; the "recovery" only ends the measured window.
          await context.recovered();
        },
      }),
    ),
};
