// The worker benchmark: group commit against one commit per event, the batched purge against the
// seed's, worker CPU per event and memory over a long run; on the emulator alone and/or behind a
// latency proxy (--datastore-rtt-ms). Run: `npm run bench:worker -- [flags]` (--help lists them).
import { readCommandLine } from '@gaesession/infra/cli';
import { machineFacts, newRunContext } from './context.js';
import { checkServices } from '../services.js';
import { WORKER_BENCH_CLI, workerBenchOptions } from './options.js';
import { formatRowSets } from './report-sets.js';
import { runRowSets } from './sets.js';

function commandLine(argv: readonly string[]): string {
  return ['npm run bench:worker', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' ');
}

function latency(rtts: readonly number[]): string {
  const added = rtts.filter((rtt) => rtt > 0);
  return added.length === 0 ? '' : ` (and behind a latency proxy: +${added.join(', +')} ms a round trip)`;
}

async function main(argv: readonly string[]): Promise<number> {
  const options = readCommandLine(WORKER_BENCH_CLI, workerBenchOptions, argv);
  const started = new Date();
  const ctx = newRunContext();
  await checkServices(ctx.services, ['redis', 'datastore']);
  const machine = machineFacts();
  ctx.log(`${machine}; run ${ctx.runId}`);
  const sets = await runRowSets(ctx, options);
  const report = formatRowSets(sets);
  const took = ((Date.now() - started.getTime()) / 1000).toFixed(0);
  console.log(
    [
      `## Worker: ${started.toISOString()}`,
      `machine: ${machine}`,
      `command: \`${commandLine(argv)}\` (${took} s); Datastore emulator${latency(options.datastoreRttMs)}, Redis; run ${ctx.runId}`,
      '',
      report.text,
    ].join('\n'),
  );
  return report.passed ? 0 : 1;
}

// Ctrl-C skips the clean-up: what the run left is under namespaces and queues named `<run id>-*`.
process.once('SIGINT', () => {
  console.error('interrupted: Datastore namespaces and BullMQ queues of this run start with its run id');
  process.exit(130);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  },
);
