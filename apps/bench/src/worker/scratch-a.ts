import { newRunContext } from './context.js';
import { measureDrain } from './drain.js';
import { mostlyDistinctSessions, roundRobinWorkload } from './workload.js';
const ctx = newRunContext();
const n = Number(process.argv[2] ?? 2000);
const conc = Number(process.argv[3] ?? 32);
const modes = (process.argv[4] ?? 'one-commit-per-event,group-commit').split(',') as (
  'one-commit-per-event' | 'group-commit'
)[];
const w = roundRobinWorkload(ctx.runId, n, mostlyDistinctSessions(n, 0.9));
for (const mode of modes) {
  const r = await measureDrain(ctx, mode, w, { concurrency: conc, stallMs: 30000 });
  console.log(mode, ((r.events / r.elapsedMs) * 1000).toFixed(0), 'ev/s', JSON.stringify(r.counts), r.failedAttempts);
}
