import {
  badValue,
  defineCommand,
  integer,
  parseCommandLine,
  someOf,
  type ParsedCommandLine,
} from '@gaesession/infra/cli';

/** The measurements of a run. */
export const MEASUREMENTS = ['drain', 'hot', 'purge', 'cpu', 'memory'] as const;
export type Measurement = (typeof MEASUREMENTS)[number];

export interface WorkerBenchOptions {
  /** Events queued for the drain measurement (a). @defaultValue 5000 */
  readonly events: number;
  /** Share of the drain's events that touch a session of their own, (0, 1]. @defaultValue 0.9 */
  readonly distinct: number;
  /**
   * BullMQ consumer concurrency of the drain, the same for both approaches; one pair of runs per
   * value. @defaultValue [32, 200]: WORKER_CONCURRENCY's default, and BATCH_MAX_EVENTS
   */
  readonly concurrency: readonly number[];
  /** Changes of the hot-session measurement (b). @defaultValue 1000 */
  readonly hotChanges: number;
  /** Sessions those changes are spread over. @defaultValue 10 */
  readonly hotSessions: number;
  /**
   * Deliveries in flight during the hot-session run, one run per value. @defaultValue [32, 80, 200]:
   * WORKER_CONCURRENCY's default, the worker's App Engine max_concurrent_requests, BATCH_MAX_EVENTS
   */
  readonly hotInFlight: readonly number[];
  /** Expired sessions seeded for each purge (c). @defaultValue 20000 */
  readonly purge: number;
  /** Events of the memory measurement (d), after a warm-up of a tenth as many. @defaultValue 200000 */
  readonly memoryEvents: number;
  /** Sessions of the memory measurement; each group writes at most this many entities. @defaultValue 10 */
  readonly memorySessions: number;
  /**
   * BullMQ consumer concurrency of the CPU measurement (e): a group-commit drain with groups full
   * (4 applies of 200 events in flight need 800 jobs open). @defaultValue 1000
   */
  readonly cpuConcurrency: number;
  /** Events of the memory run when a round trip is added (a run costs a round trip per commit). @defaultValue 50000 */
  readonly latencyMemoryEvents: number;
  /**
   * Round trips added to every Datastore call, ms (a latency proxy in front of the emulator, half
   * each way); one set of rows each, in order. 0: the emulator alone (its own ceiling). @defaultValue [0]
   */
  readonly datastoreRttMs: readonly number[];
  /** The measurements to run. @defaultValue all, in order */
  readonly only: readonly Measurement[];
}

export const DEFAULT_OPTIONS: WorkerBenchOptions = {
  events: 5000,
  distinct: 0.9,
  concurrency: [32, 200],
  hotChanges: 1000,
  hotSessions: 10,
  hotInFlight: [32, 80, 200],
  purge: 20_000,
  memoryEvents: 200_000,
  memorySessions: 10,
  cpuConcurrency: 1000,
  latencyMemoryEvents: 50_000,
  datastoreRttMs: [0],
  only: MEASUREMENTS,
};

/** The worker benchmark's command line (`--help` prints it). */
export const WORKER_BENCH_CLI = defineCommand({
  name: 'bench:worker',
  usage: 'npm run bench:worker -- [flags]',
  description: "Group commit against one commit per event, the batched purge against the seed's, and memory.",
  options: {
    events: {
      type: 'string',
      value: 'n',
      default: `${DEFAULT_OPTIONS.events}`,
      description: 'events queued for the drain',
    },
    distinct: {
      type: 'string',
      value: 'share',
      default: `${DEFAULT_OPTIONS.distinct}`,
      description: 'share of drain events on a session of their own, in (0, 1]',
    },
    concurrency: {
      type: 'string',
      value: 'a,b',
      default: DEFAULT_OPTIONS.concurrency.join(','),
      description: 'drain consumer concurrency, one pair of runs each',
    },
    'hot-changes': {
      type: 'string',
      value: 'n',
      default: `${DEFAULT_OPTIONS.hotChanges}`,
      description: 'changes of the hot-session run',
    },
    'hot-sessions': {
      type: 'string',
      value: 'n',
      default: `${DEFAULT_OPTIONS.hotSessions}`,
      description: 'sessions they are spread over',
    },
    'hot-in-flight': {
      type: 'string',
      value: 'a,b',
      default: DEFAULT_OPTIONS.hotInFlight.join(','),
      description: 'deliveries in flight, one hot-session run each',
    },
    purge: {
      type: 'string',
      value: 'n',
      default: `${DEFAULT_OPTIONS.purge}`,
      description: 'expired sessions per purge',
    },
    'memory-events': {
      type: 'string',
      value: 'n',
      default: `${DEFAULT_OPTIONS.memoryEvents}`,
      description: 'events of the memory run',
    },
    'memory-sessions': {
      type: 'string',
      value: 'n',
      default: `${DEFAULT_OPTIONS.memorySessions}`,
      description: 'sessions of the memory run',
    },
    'cpu-concurrency': {
      type: 'string',
      value: 'n',
      default: `${DEFAULT_OPTIONS.cpuConcurrency}`,
      description: 'consumer concurrency of the CPU-per-event drain (full groups)',
    },
    'latency-memory-events': {
      type: 'string',
      value: 'n',
      default: `${DEFAULT_OPTIONS.latencyMemoryEvents}`,
      description: 'events of the memory run when a round trip is added',
    },
    'datastore-rtt-ms': {
      type: 'string',
      value: 'a,b',
      default: DEFAULT_OPTIONS.datastoreRttMs.join(','),
      description: 'round trip added to each Datastore call, ms (half each way); 0 = the emulator alone; rows for each',
    },
    only: {
      type: 'string',
      value: 'a,b',
      defaultText: 'all',
      description: `measurements: ${MEASUREMENTS.join(', ')}`,
    },
  },
});

function share(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !(value > 0 && value <= 1)) throw badValue(flag, raw, 'a number in (0, 1]');
  return value;
}

/** A comma-separated list of whole numbers ≥ `min` (positive by default), repeats dropped, order kept. */
function counts(flag: string, raw: string, min = 1): number[] {
  const values = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map(Number);
  if (values.length === 0 || !values.every((value) => Number.isSafeInteger(value) && value >= min))
    throw badValue(
      flag,
      raw,
      `a comma-separated list of ${min === 0 ? 'whole numbers, 0 or more' : 'positive whole numbers'}`,
    );
  return [...new Set(values)];
}

/** Round trips above this would make a run last hours (the seed's purge makes ~400 calls). */
const MAX_RTT_MS = 1000;

function roundTrips(raw: string): number[] {
  const values = counts('datastore-rtt-ms', raw, 0);
  if (values.some((value) => value > MAX_RTT_MS))
    throw badValue('datastore-rtt-ms', raw, `round trips from 0 to ${MAX_RTT_MS} ms`);
  return values;
}

/**
 * The options from the parsed command line.
 *
 * @throws UsageError for a value out of range or an unknown measurement.
 */
export function workerBenchOptions({ values }: ParsedCommandLine<typeof WORKER_BENCH_CLI.options>): WorkerBenchOptions {
  const count = (flag: string, raw: string) => integer(flag, raw, { min: 1 });
  return {
    events: count('events', values.events),
    distinct: share('distinct', values.distinct),
    concurrency: counts('concurrency', values.concurrency),
    hotChanges: count('hot-changes', values['hot-changes']),
    hotSessions: count('hot-sessions', values['hot-sessions']),
    hotInFlight: counts('hot-in-flight', values['hot-in-flight']),
    purge: count('purge', values.purge),
    memoryEvents: count('memory-events', values['memory-events']),
    memorySessions: count('memory-sessions', values['memory-sessions']),
    cpuConcurrency: count('cpu-concurrency', values['cpu-concurrency']),
    latencyMemoryEvents: count('latency-memory-events', values['latency-memory-events']),
    datastoreRttMs: roundTrips(values['datastore-rtt-ms']),
    only: values.only === undefined ? DEFAULT_OPTIONS.only : someOf('only', values.only, MEASUREMENTS),
  };
}

/**
 * Parses `--name value` and `--name=value` arguments.
 *
 * @throws UsageError on anything else.
 */
export function parseOptions(argv: readonly string[]): WorkerBenchOptions {
  return workerBenchOptions(parseCommandLine(WORKER_BENCH_CLI, argv));
}
