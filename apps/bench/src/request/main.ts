// The request-path benchmark: gaesession beside express-session and its stores, as ratios.
// Run: `npm run bench -- [--sessions 200] [--connections 32] [--rounds 1] [--only a,b]` (--help lists the flags).
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { readCommandLine } from '@gaesession/infra/cli';
import { CATALOGUE } from './catalogue.js';
import { benchServer, interruptRun } from './bench-server.js';
import { killAllChildren } from './child.js';
import { checkServices } from '../services.js';
import { newRunContext } from './environment.js';
import { BENCH_CLI, benchOptions, sessionsLine, type BenchOptions } from './options.js';
import { formatCpuTable, formatTable, formatWriteTable, problems, type ServerResult } from './report.js';
import { mergeRounds } from './rounds.js';
import { checkTargets, formatCheck, infoLines } from './targets.js';

const log = (line: string) => {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
};

function machine(): string {
  const [model] = cpus().map((cpu) => cpu.model.trim());
  return `${cpus().length} cores (${model ?? 'unknown CPU'}), Node.js ${process.version}, ${process.platform}/${process.arch}`;
}

/** When the run started, and the machine's 1-minute load average then (others share it). */
interface Start {
  readonly date: Date;
  readonly load: number;
}

function summary(options: BenchOptions, results: readonly ServerResult[], start: Start, end: number): string {
  const checks = checkTargets(results);
  const rounds = options.rounds === 1 ? '' : `; ${options.rounds} rounds, medians`;
  return [
    `## Request path: ${start.date.toISOString()}${options.sessions === 1 ? ' (contention run)' : ''}`,
    `machine: ${machine()}; 1-minute load average ${start.load.toFixed(2)} at the start, ${end.toFixed(2)} at the end`,
    `load: autocannon in the bench process, ${options.connections} connections, ${options.duration} s per run ` +
      `after ${options.warmup} s of warm-up; ${sessionsLine(options.sessions)}${rounds}; ` +
      'gaesession workers paused during the measured runs; ' +
      (options.from === 'build'
        ? 'packages loaded from their dist/ builds'
        : 'packages loaded from their sources (tsx)'),
    '',
    'Requests/s (2xx answers) and server CPU time per 2xx answer, with CPU ratios:',
    '',
    formatTable(results),
    '',
    'Writes: lost increments, and the worker draining the write run once resumed:',
    '',
    formatWriteTable(results),
    '',
    `CPU during each run, % of one core (this machine has ${cpus().length * 100} %):`,
    '',
    formatCpuTable(results),
    '',
    ...checks.map(formatCheck),
    ...infoLines(results),
    ...problems(results).map((line) => `WARN ${line}`),
  ].join('\n');
}

/** Builds the workspace packages' `dist/` (incremental: quick when up to date), as the servers load them. */
function buildPackages(): void {
  log('building the packages (npm run build) for the servers to load from dist/');
  try {
    execFileSync('npm', ['run', '-s', 'build'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
    throw new Error(`npm run build failed; fix it or run with --from source${stderr === '' ? '' : `:\n${stderr}`}`);
  }
}

async function main(): Promise<number> {
  const options = readCommandLine(BENCH_CLI, benchOptions);
  const start: Start = { date: new Date(), load: loadavg()[0] ?? 0 };
  const ctx = newRunContext();
  await checkServices(ctx.services, ['memcached', 'redis', 'datastore']);
  log(`${machine()}; run ${ctx.runId}`);
  if (!import.meta.resolve('@gaesession/session').includes('/src/')) {
    // Only the bench's own cleanup code is affected: the servers load what --from says.
    log('note: this process loads the workspace packages from dist/; prefer `tsx --conditions=source`');
  }
  if (options.from === 'build') buildPackages();
  log(sessionsLine(options.sessions));
  const rounds: ServerResult[][] = [];
  for (let round = 1; round <= options.rounds; round++) {
    if (options.rounds > 1) log(`round ${round} of ${options.rounds}`);
    const results: ServerResult[] = [];
    for (const spec of CATALOGUE.filter((server) => options.only.includes(server.id))) {
      results.push(await benchServer(spec, options, ctx, log));
    }
    rounds.push(results);
  }
  const results = mergeRounds(rounds);
  console.log(summary(options, results, start, loadavg()[0] ?? 0));
  const failed = checkTargets(results).some((check) => check.verdict === 'FAIL') || problems(results).length > 0;
  return failed ? 1 : 0;
}

// Ctrl-C: stop the server being measured and delete what it left (at most 15 s), then leave.
process.once('SIGINT', () => {
  log('interrupted: stopping and cleaning up');
  setTimeout(() => {
    killAllChildren();
    process.exit(130);
  }, 15_000).unref();
  void interruptRun().finally(() => {
    killAllChildren();
    process.exit(130);
  });
});

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    killAllChildren();
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
