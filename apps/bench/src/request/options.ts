import {
  defineCommand,
  integer,
  oneOf,
  parseCommandLine,
  positiveNumber,
  someOf,
  type ParsedCommandLine,
} from '@gaesession/infra/cli';
import { SERVER_IDS, type ServerId } from './catalogue.js';

export interface BenchOptions {
  /** Seconds per measured run (one read run and one write run per server). @defaultValue 10 */
  readonly duration: number;
  /** Concurrent autocannon connections. @defaultValue 32 */
  readonly connections: number;
  /** The servers to run, in catalogue order. @defaultValue all of them */
  readonly only: readonly ServerId[];
  /**
   * Sessions the load is spread over, round robin per request (each connection cycles through all
   * of them from its own offset). 1 puts every request on one session: the contention run (the
   * worst case for a compare-and-set store). @defaultValue 200
   */
  readonly sessions: number;
  /** Times the servers are run, alternating; the tables show each figure's median. @defaultValue 1 */
  readonly rounds: number;
  /** Seconds of mixed read/write traffic before the measured runs. @defaultValue 2 */
  readonly warmup: number;
  /**
   * Where the servers and workers load the workspace packages from: `build` (their `dist/`, built
   * by the bench first, as production runs them) or `source` (the TypeScript sources through tsx,
   * which wraps every function and costs gaesession, alone of the servers, a few µs a request).
   * @defaultValue 'build'
   */
  readonly from: 'build' | 'source';
  /** Write V8 CPU profiles of the servers (`--cpu-prof`) into this folder. @defaultValue off */
  readonly cpuProfDir?: string;
  /**
   * Before each server, wait (up to 2 minutes) until other processes use less than this much CPU,
   * in % of one core: on a shared machine, fewer disturbed rows. @defaultValue off (start at once)
   */
  readonly idleBelow?: number;
}

/** The request-path benchmark's command line (`--help` prints it). */
export const BENCH_CLI = defineCommand({
  name: 'bench',
  usage: 'npm run bench -- [flags]',
  description: 'gaesession beside express-session and its stores, one server after another, as ratios.',
  options: {
    duration: { type: 'string', value: 's', default: '10', description: 'seconds per measured run' },
    connections: { type: 'string', value: 'n', default: '32', description: 'concurrent connections' },
    only: {
      type: 'string',
      value: 'a,b',
      defaultText: 'all',
      description: `servers to run: ${SERVER_IDS.join(', ')}`,
    },
    sessions: {
      type: 'string',
      value: 'n',
      default: '200',
      description: 'spread the requests over n sessions, round robin (1: the contention run)',
    },
    rounds: {
      type: 'string',
      value: 'n',
      default: '1',
      description: 'run the servers n times, alternating, and report medians',
    },
    warmup: { type: 'string', value: 's', default: '2', description: 'seconds of warm-up per server' },
    from: {
      type: 'string',
      value: 'build|source',
      default: 'build',
      description: "the servers' packages: dist/ (built first) or the sources through tsx",
    },
    'cpu-prof': {
      type: 'string',
      value: 'dir',
      defaultText: 'off',
      description: "write the servers' CPU profiles into dir",
    },
    'idle-below': {
      type: 'string',
      value: 'pct',
      defaultText: 'off',
      description: 'before each server, wait (up to 2 min) until others use < pct % of a core',
    },
  },
});

/**
 * The options from the parsed command line.
 *
 * @throws UsageError for a value out of range or an unknown server.
 */
export function benchOptions({ values }: ParsedCommandLine<typeof BENCH_CLI.options>): BenchOptions {
  const idleBelow = values['idle-below'];
  const cpuProfDir = values['cpu-prof'];
  return {
    duration: integer('duration', values.duration, { min: 1 }),
    connections: integer('connections', values.connections, { min: 1 }),
    only: values.only === undefined ? [...SERVER_IDS] : someOf('only', values.only, SERVER_IDS),
    sessions: integer('sessions', values.sessions, { min: 1 }),
    rounds: integer('rounds', values.rounds, { min: 1 }),
    warmup: positiveNumber('warmup', values.warmup),
    from: oneOf('from', values.from, ['build', 'source'] as const),
    ...(cpuProfDir === undefined ? {} : { cpuProfDir }),
    ...(idleBelow === undefined ? {} : { idleBelow: integer('idle-below', idleBelow, { min: 1 }) }),
  };
}

/**
 * Parses the command line (`--name value` or `--name=value`).
 *
 * @throws UsageError on anything else.
 */
export function parseOptions(argv: readonly string[]): BenchOptions {
  return benchOptions(parseCommandLine(BENCH_CLI, argv));
}

/** How the load was spread, as the summary names it. */
export function sessionsLine(sessions: number): string {
  return sessions === 1
    ? 'contention run: every request on one session'
    : `requests spread over ${sessions} sessions, round robin per request`;
}
