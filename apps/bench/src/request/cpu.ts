import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Linux clock ticks per second (USER_HZ), the unit of /proc CPU times. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used, from /proc; undefined off Linux or once it is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is parenthesised and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU seconds of the whole machine, all cores, from /proc/stat. */
export function machineCpuSeconds(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.reduce((sum, value) => sum + value, 0);
    // idle and iowait
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** Where the CPU went during one run, in % of one core (so 2 busy cores = 200 %). */
export interface CpuShare {
  /** Wall-clock length of the measurement, in seconds. */
  readonly seconds: number;
  readonly server: number;
  /** The gaesession worker, when one ran (0 while it is paused). */
  readonly worker?: number;
  /** The Cloud Tasks emulator, when one ran. */
  readonly emulator?: number;
  /** This process: autocannon. */
  readonly loadGenerator: number;
  /** Everything else that ran meanwhile: Redis, memcached, the emulator, other users of the machine. */
  readonly rest: number;
}

const cpuOf = (pid: number | undefined) => (pid === undefined ? undefined : processCpuSeconds(pid));

/** Starts measuring; the returned function ends the measurement. */
export function measureCpu(
  serverPid: number,
  workerPid: number | undefined,
  emulatorPid?: number,
): () => CpuShare | undefined {
  const started = performance.now();
  const server = processCpuSeconds(serverPid);
  const worker = cpuOf(workerPid);
  const emulator = cpuOf(emulatorPid);
  const self = process.cpuUsage();
  const machine = machineCpuSeconds();
  return () => {
    const seconds = (performance.now() - started) / 1000;
    const serverNow = processCpuSeconds(serverPid);
    const workerNow = cpuOf(workerPid);
    const emulatorNow = cpuOf(emulatorPid);
    const machineNow = machineCpuSeconds();
    if (server === undefined || serverNow === undefined || machine === undefined || machineNow === undefined) {
      return undefined;
    }
    const selfUsage = process.cpuUsage(self);
    const percent = (cpuSeconds: number) => (100 * cpuSeconds) / seconds;
    const serverShare = percent(serverNow - server);
    const workerShare = worker === undefined || workerNow === undefined ? undefined : percent(workerNow - worker);
    const emulatorShare =
      emulator === undefined || emulatorNow === undefined ? undefined : percent(emulatorNow - emulator);
    const loadGenerator = percent((selfUsage.user + selfUsage.system) / 1e6);
    const busy = percent(machineNow.busy - machine.busy);
    const rest = Math.max(0, busy - serverShare - (workerShare ?? 0) - (emulatorShare ?? 0) - loadGenerator);
    return {
      seconds,
      server: serverShare,
      ...(workerShare === undefined ? {} : { worker: workerShare }),
      ...(emulatorShare === undefined ? {} : { emulator: emulatorShare }),
      loadGenerator,
      rest,
    };
  };
}

/**
 * How busy the machine is without us, in % of one core: the machine's CPU over `ms` minus this
 * process's own, sampled while the bench has no child running. Anything well above 0 means other
 * work shares the cores and the figures of the next server are disturbed.
 */
export async function backgroundCpu(ms = 2000): Promise<number | undefined> {
  const before = machineCpuSeconds();
  const self = process.cpuUsage();
  const started = performance.now();
  await sleep(ms);
  const after = machineCpuSeconds();
  if (before === undefined || after === undefined) return undefined;
  const own = process.cpuUsage(self);
  const others = after.busy - before.busy - (own.user + own.system) / 1e6;
  return Math.max(0, (100 * others) / ((performance.now() - started) / 1000));
}

/**
 * Samples {@link backgroundCpu} until it is below `percent` or `maxMs` have passed; resolves with
 * the last sample. Without a threshold, one sample.
 */
export async function settledBackgroundCpu(percent: number | undefined, maxMs = 120_000): Promise<number | undefined> {
  const deadline = performance.now() + maxMs;
  for (;;) {
    const sample = await backgroundCpu();
    if (percent === undefined || sample === undefined || sample < percent || performance.now() >= deadline)
      return sample;
  }
}
