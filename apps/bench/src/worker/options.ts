/** The measurements of a run. */
export const MEASUREMENTS = ['drain', 'hot', 'purge', 'memory'] as const;
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
  only: MEASUREMENTS,
};

export const USAGE = `usage: npm run bench:worker -- [options]
  --events <n>           events queued for the drain (default ${DEFAULT_OPTIONS.events})
  --distinct <share>     share of drain events on a session of their own, 0..1 (default ${DEFAULT_OPTIONS.distinct})
  --concurrency <a,b>    drain consumer concurrency, one pair of runs each (default ${DEFAULT_OPTIONS.concurrency.join(',')})
  --hot-changes <n>      changes of the hot-session run (default ${DEFAULT_OPTIONS.hotChanges})
  --hot-sessions <n>     sessions they are spread over (default ${DEFAULT_OPTIONS.hotSessions})
  --hot-in-flight <a,b>  deliveries in flight, one hot-session run each (default ${DEFAULT_OPTIONS.hotInFlight.join(',')})
  --purge <n>            expired sessions per purge (default ${DEFAULT_OPTIONS.purge})
  --memory-events <n>    events of the memory run (default ${DEFAULT_OPTIONS.memoryEvents})
  --memory-sessions <n>  sessions of the memory run (default ${DEFAULT_OPTIONS.memorySessions})
  --only <a,b>           measurements: ${MEASUREMENTS.join(', ')} (default all)`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const FLAGS = [
  'events',
  'distinct',
  'concurrency',
  'hot-changes',
  'hot-sessions',
  'hot-in-flight',
  'purge',
  'memory-events',
  'memory-sessions',
  'only',
] as const;

type Flag = (typeof FLAGS)[number];

function isFlag(name: string): name is Flag {
  return (FLAGS as readonly string[]).includes(name);
}

function count(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isSafeInteger(value) || value <= 0) {
    throw new UsageError(`--${flag} takes a positive whole number, got "${raw}"`);
  }
  return value;
}

function share(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !(value > 0 && value <= 1))
    throw new UsageError(`--${flag} takes a number in (0, 1], got "${raw}"`);
  return value;
}

function list(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A parser of a comma-separated list of positive whole numbers, repeats dropped. */
function counts(flag: string): (raw: string) => number[] {
  return (raw) => {
    const values = list(raw).map((item) => count(flag, item));
    if (values.length === 0) throw new UsageError(`--${flag} takes a list of positive whole numbers`);
    return [...new Set(values)];
  };
}

function measurements(raw: string): Measurement[] {
  const names = list(raw);
  const unknown = names.filter((name) => !(MEASUREMENTS as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(`--only takes names from ${MEASUREMENTS.join(', ')}, got "${raw}"`);
  }
  return MEASUREMENTS.filter((name) => names.includes(name));
}

/** Parses `--name value` and `--name=value` arguments; throws {@link UsageError} on anything else. */
export function parseOptions(argv: readonly string[]): WorkerBenchOptions {
  const values = new Map<Flag, string>();
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? '';
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!isFlag(name)) throw new UsageError(`unknown option --${name}`);
    const value = eq === -1 ? argv[++index] : arg.slice(eq + 1);
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    values.set(name, value);
  }
  const option = <T>(flag: Flag, parse: (raw: string) => T, fallback: T): T => {
    const raw = values.get(flag);
    return raw === undefined ? fallback : parse(raw);
  };
  const positive = (flag: Flag) => (raw: string) => count(flag, raw);
  return {
    events: option('events', positive('events'), DEFAULT_OPTIONS.events),
    distinct: option('distinct', (raw) => share('distinct', raw), DEFAULT_OPTIONS.distinct),
    concurrency: option('concurrency', counts('concurrency'), DEFAULT_OPTIONS.concurrency),
    hotChanges: option('hot-changes', positive('hot-changes'), DEFAULT_OPTIONS.hotChanges),
    hotSessions: option('hot-sessions', positive('hot-sessions'), DEFAULT_OPTIONS.hotSessions),
    hotInFlight: option('hot-in-flight', counts('hot-in-flight'), DEFAULT_OPTIONS.hotInFlight),
    purge: option('purge', positive('purge'), DEFAULT_OPTIONS.purge),
    memoryEvents: option('memory-events', positive('memory-events'), DEFAULT_OPTIONS.memoryEvents),
    memorySessions: option('memory-sessions', positive('memory-sessions'), DEFAULT_OPTIONS.memorySessions),
    only: option('only', measurements, DEFAULT_OPTIONS.only),
  };
}
