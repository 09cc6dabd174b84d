import { SERVER_IDS, type ServerId } from './catalogue.js';

export interface BenchOptions {
  /** Seconds per measured run (one read run and one write run per server). @defaultValue 10 */
  readonly duration: number;
  /** Concurrent autocannon connections. @defaultValue 50 */
  readonly connections: number;
  /** The servers to run, in catalogue order. @defaultValue all of them */
  readonly only: readonly ServerId[];
  /**
   * Sessions the load is spread over: connection i uses session i mod n. 1 puts every request on
   * one session (the worst case for a compare-and-set store). @defaultValue 1
   */
  readonly sessions: number;
  /** Seconds of mixed read/write traffic before the measured runs. @defaultValue 2 */
  readonly warmup: number;
  /** Write V8 CPU profiles of the servers (`--cpu-prof`) into this folder. @defaultValue off */
  readonly cpuProfDir?: string;
  /**
   * Before each server, wait (up to 2 minutes) until other processes use less than this much CPU,
   * in % of one core: on a shared machine, fewer disturbed rows. @defaultValue off (start at once)
   */
  readonly idleBelow?: number;
}

export const USAGE = `usage: tsx --conditions=source apps/bench/src/request/main.ts [options]
  --duration <s>      seconds per measured run (default 10)
  --connections <n>   concurrent connections (default 50)
  --only <a,b,...>    servers to run: ${SERVER_IDS.join(', ')} (default all)
  --sessions <n>      spread the load over n sessions (default 1: all on one)
  --warmup <s>        seconds of warm-up per server (default 2)
  --cpu-prof <dir>    write the servers' CPU profiles into <dir>
  --idle-below <pct>  before each server, wait (up to 2 min) until others use < pct % of a core`;

export class UsageError extends Error {}

function positive(name: string, raw: string | undefined, { integer = true } = {}): number {
  const value = Number(raw);
  if (raw === undefined || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} takes a positive ${integer ? 'whole ' : ''}number, got ${raw ?? 'nothing'}`);
  }
  return value;
}

function servers(raw: string | undefined): ServerId[] {
  const names = (raw ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(SERVER_IDS as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(`--only takes names from ${SERVER_IDS.join(', ')}; got ${raw ?? 'nothing'}`);
  }
  return SERVER_IDS.filter((id) => names.includes(id));
}

/** Parses the command line (`--name value` or `--name=value`); throws UsageError on anything else. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const values = new Map<string, string | undefined>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${arg}`);
    const eq = arg.indexOf('=');
    if (eq !== -1) values.set(arg.slice(2, eq), arg.slice(eq + 1));
    else values.set(arg.slice(2), argv[++i]);
  }
  const known = ['duration', 'connections', 'only', 'sessions', 'warmup', 'cpu-prof', 'idle-below'];
  const unknown = [...values.keys()].filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new UsageError(`unknown option --${unknown.join(', --')}`);
  const cpuProfDir = values.get('cpu-prof');
  if (values.has('cpu-prof') && (cpuProfDir === undefined || cpuProfDir === '')) {
    throw new UsageError('--cpu-prof takes a folder');
  }
  return {
    duration: values.has('duration') ? positive('duration', values.get('duration')) : 10,
    connections: values.has('connections') ? positive('connections', values.get('connections')) : 50,
    only: values.has('only') ? servers(values.get('only')) : [...SERVER_IDS],
    sessions: values.has('sessions') ? positive('sessions', values.get('sessions')) : 1,
    warmup: values.has('warmup') ? positive('warmup', values.get('warmup'), { integer: false }) : 2,
    ...(cpuProfDir === undefined ? {} : { cpuProfDir }),
    ...(values.has('idle-below') ? { idleBelow: positive('idle-below', values.get('idle-below')) } : {}),
  };
}
