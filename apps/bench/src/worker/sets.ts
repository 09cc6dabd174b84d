import { newRunContext, type RunContext } from './context.js';
import { startProxyChild } from './latency.js';
import type { WorkerBenchOptions } from './options.js';
import type { WorkerBenchResults } from './report.js';
import { runWorkerBench } from './run.js';

/** The measurements against one Datastore: the emulator alone (`rttMs` 0) or behind a latency proxy. */
export interface RowSet {
  /** Round trip the proxy added to every Datastore call, ms (half each way); 0: none. */
  readonly rttMs: number;
  readonly results: WorkerBenchResults;
}

/**
 * One set of measurements per `options.datastoreRttMs`, in order. For a round trip above 0 a
 * latency proxy (a child process) sits in front of the emulator for that set, and the set's
 * queues and namespaces are `<run id>-rtt<ms>-*`.
 */
export async function runRowSets(ctx: RunContext, options: WorkerBenchOptions): Promise<RowSet[]> {
  const sets: RowSet[] = [];
  for (const rttMs of options.datastoreRttMs) {
    if (rttMs === 0) {
      ctx.log('the emulator alone (its own ceiling)');
      sets.push({ rttMs, results: await runWorkerBench(ctx, options) });
      continue;
    }
    const proxy = await startProxyChild(ctx.services.datastoreEmulator, rttMs);
    ctx.log(
      `Datastore behind a latency proxy at ${proxy.hostPort}: +${rttMs} ms a round trip (${rttMs / 2} ms each way)`,
    );
    try {
      const scoped = newRunContext({ ...ctx.services, datastoreEmulator: proxy.hostPort }, `${ctx.runId}-rtt${rttMs}`);
      sets.push({ rttMs, results: await runWorkerBench(scoped, options, rttMs) });
    } finally {
      await proxy.stop();
    }
  }
  return sets;
}
