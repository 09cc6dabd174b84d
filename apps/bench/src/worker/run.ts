import type { RunContext } from './context.js';
import { measureCpuSplit } from './cpu-split.js';
import { measureDrain } from './drain.js';
import { measureHotSessions } from './hot-sessions.js';
import { measureMemoryApart } from './memory-apart.js';
import type { WorkerBenchOptions } from './options.js';
import { measureDeleteSpeed, measurePurge } from './purge.js';
import type { DrainPair, WorkerBenchResults } from './report.js';
import { mostlyDistinctSessions, roundRobinWorkload } from './workload.js';

/** Give up on a drain when no job completed for this long, ms. */
const STALL_MS = 60_000;
/** Keys per shape of the emulator's delete-speed probe. */
const PROBE_KEYS = 2000;

/**
 * Runs the measurements `options.only` names, one after the other (they would disturb each other),
 * against the Datastore `ctx` points at; `rttMs` is the round trip a latency proxy adds there (the
 * memory run then has `latencyMemoryEvents` events).
 */
export async function runWorkerBench(
  ctx: RunContext,
  options: WorkerBenchOptions,
  rttMs = 0,
): Promise<WorkerBenchResults> {
  const drains: DrainPair[] = [];
  if (options.only.includes('drain')) {
    const workload = roundRobinWorkload(
      ctx.name('drain'),
      options.events,
      mostlyDistinctSessions(options.events, options.distinct),
    );
    for (const concurrency of options.concurrency) {
      const drain = { concurrency, stallMs: STALL_MS };
      const seed = await measureDrain(ctx, 'one-commit-per-event', workload, drain);
      const group = await measureDrain(ctx, 'group-commit', workload, drain);
      drains.push({ concurrency, group, seed });
    }
  }

  const hot = [];
  if (options.only.includes('hot')) {
    for (const inFlight of options.hotInFlight) {
      hot.push(await measureHotSessions(ctx, { changes: options.hotChanges, sessions: options.hotSessions, inFlight }));
    }
  }
  let purge: WorkerBenchResults['purge'];
  if (options.only.includes('purge')) {
    const batched = await measurePurge(ctx, 'batched', options.purge);
    const oneByOne = await measurePurge(ctx, 'one-by-one', options.purge);
    purge = { batched, oneByOne, deletes: await measureDeleteSpeed(ctx, PROBE_KEYS) };
  }
  let cpu: WorkerBenchResults['cpu'];
  if (options.only.includes('cpu')) {
    const workload = roundRobinWorkload(
      ctx.name('cpu'),
      options.events,
      mostlyDistinctSessions(options.events, options.distinct),
    );
    const drain = { concurrency: options.cpuConcurrency, stallMs: STALL_MS };
    ctx.log(`CPU per event: group-commit drain with ${options.cpuConcurrency} jobs in flight`);
    const queued = await measureDrain(ctx, 'group-commit', workload, drain);
    cpu = {
      concurrency: options.cpuConcurrency,
      drain: queued,
      split: await measureCpuSplit(ctx, workload, drain.concurrency),
    };
  }
  const memoryEvents = rttMs > 0 ? options.latencyMemoryEvents : options.memoryEvents;
  const memory = options.only.includes('memory')
    ? await measureMemoryApart(ctx, {
        events: memoryEvents,
        warmupEvents: Math.ceil(memoryEvents / 10),
        sessions: options.memorySessions,
        inFlight: 20,
        eventsPerDelivery: 10,
        checkpoints: 4,
        settleMs: 500,
      })
    : undefined;
  return { drains, hot, purge, cpu, memory };
}
