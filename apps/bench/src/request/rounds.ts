import type { CpuShare } from './cpu.js';
import { serverUsPerRequest, type RunStats, type ServerResult } from './report.js';

/** The median of some numbers (the mean of the middle two for an even count); undefined for none. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const defined = <T>(values: readonly (T | undefined)[]): T[] => values.filter((value) => value !== undefined);

function medianOf<T>(items: readonly T[], pick: (item: T) => number | undefined): number | undefined {
  return median(defined(items.map(pick)));
}

function mergeCpu(shares: readonly CpuShare[]): CpuShare | undefined {
  const m = (pick: (share: CpuShare) => number | undefined) => medianOf(shares, pick);
  const [seconds, server, loadGenerator, rest] = [
    m((s) => s.seconds),
    m((s) => s.server),
    m((s) => s.loadGenerator),
    m((s) => s.rest),
  ];
  if (seconds === undefined || server === undefined || loadGenerator === undefined || rest === undefined)
    return undefined;
  const worker = m((s) => s.worker);
  const emulator = m((s) => s.emulator);
  return {
    seconds,
    server,
    loadGenerator,
    rest,
    ...(worker === undefined ? {} : { worker }),
    ...(emulator === undefined ? {} : { emulator }),
  };
}

/** Medians of the runs' figures (µs per request: the median of each run's own); failures add up. */
function mergeRuns(runs: readonly RunStats[]): RunStats | undefined {
  const first = runs[0];
  if (first === undefined) return undefined;
  const m = (pick: (stats: RunStats) => number) => medianOf(runs, pick) ?? 0;
  const cpu = mergeCpu(defined(runs.map((stats) => stats.cpu)));
  const us = medianOf(runs, serverUsPerRequest);
  return {
    requestsPerSec: m((s) => s.requestsPerSec),
    p50Ms: m((s) => s.p50Ms),
    p99Ms: m((s) => s.p99Ms),
    requests: m((s) => s.requests),
    succeeded: m((s) => s.succeeded),
    failures: runs.reduce((sum, stats) => sum + stats.failures, 0),
    failureDetail: [...new Set(runs.map((stats) => stats.failureDetail).filter((detail) => detail !== ''))].join('; '),
    ...(cpu === undefined ? {} : { cpu }),
    ...(us === undefined ? {} : { serverUsPerRequest: us }),
  };
}

/** One server's rounds as one row: medians; lost writes add up; a drain that timed out once shows. */
function mergeServer(rounds: readonly ServerResult[]): ServerResult | undefined {
  const ran = rounds.filter((result) => result.error === undefined);
  const first = ran[0] ?? rounds[0];
  if (first === undefined) return undefined;
  if (ran.length === 0) return first;
  const read = mergeRuns(defined(ran.map((result) => result.read)));
  const write = mergeRuns(defined(ran.map((result) => result.write)));
  const lost = defined(ran.map((result) => result.lostWrites));
  const drains = defined(ran.map((result) => result.drain));
  const drain = drains.includes('timeout') ? 'timeout' : median(drains.filter((value) => value !== 'timeout'));
  const workerUs = medianOf(ran, (result) => result.workerUsPerEvent);
  const tasks = medianOf(ran, (result) => result.tasksCreated);
  const background = medianOf(ran, (result) => result.background);
  return {
    id: first.id,
    label: first.label,
    ...(read === undefined ? {} : { read }),
    ...(write === undefined ? {} : { write }),
    ...(drain === undefined ? {} : { drain }),
    ...(lost.length === 0 ? {} : { lostWrites: lost.reduce((sum, value) => sum + value, 0) }),
    ...(workerUs === undefined ? {} : { workerUsPerEvent: workerUs }),
    ...(tasks === undefined ? {} : { tasksCreated: tasks }),
    ...(background === undefined ? {} : { background }),
  };
}

/** Several rounds of the same servers as one result per server, in the first round's order. */
export function mergeRounds(rounds: readonly (readonly ServerResult[])[]): ServerResult[] {
  if (rounds.length === 1) return [...(rounds[0] ?? [])];
  const ids = (rounds[0] ?? []).map((result) => result.id);
  return defined(ids.map((id) => mergeServer(rounds.flatMap((round) => round.filter((result) => result.id === id)))));
}
