import type { ServerId } from './catalogue.js';
import { formatMs, formatRatio, ratio } from './markdown.js';
import { serverUsPerRequest, tasksPer1000, type RunStats, type ServerResult } from './report.js';

export type Verdict = 'PASS' | 'FAIL' | 'n/a';

/** What one target measured: the figure as printed, and whether it is met. */
interface Measure {
  readonly shown: string;
  readonly met: boolean;
}

/** One of the project's request-path targets. */
export interface Target {
  /** e.g. `reads ≥ 0.75× bare Express req/s`. */
  readonly goal: string;
  /** The gaesession row it is about: a row with failed requests fails it. */
  readonly row: ServerId;
  /** The figure, or undefined when a row it needs is missing. */
  measure(rows: ReadonlyMap<ServerId, ServerResult>): Measure | undefined;
}

export interface CheckResult {
  readonly target: Target;
  readonly verdict: Verdict;
  /** The figure as printed (`n/a` when it could not be computed). */
  readonly shown: string;
  /** Why it failed beyond the figure (failed requests), if it did. */
  readonly note?: string;
}

type Rows = ReadonlyMap<ServerId, ServerResult>;
type Route = 'read' | 'write';

const us = (rows: Rows, id: ServerId, route: Route) => serverUsPerRequest(rows.get(id)?.[route]);
const rate = (rows: Rows, id: ServerId, route: Route) => rows.get(id)?.[route]?.requestsPerSec;

/** `row`'s figure over `peer`'s must reach (`atLeast`) or stay under (`atMost`) `bound`. */
function relative(
  figure: (rows: Rows, id: ServerId, route: Route) => number | undefined,
  row: ServerId,
  peer: ServerId,
  route: Route,
  bound: { atLeast: number } | { atMost: number },
): Target['measure'] {
  return (rows) => {
    const value = ratio(figure(rows, row, route), figure(rows, peer, route));
    if (value === undefined) return undefined;
    const met = 'atLeast' in bound ? value >= bound.atLeast : value <= bound.atMost;
    return { shown: formatRatio(value), met };
  };
}

/** The CPU a session layer adds to a request: its µs per read minus bare Express's. */
function addedReadCpu(rows: Rows): Measure | undefined {
  const bare = us(rows, 'express', 'read');
  const ours = us(rows, 'gaesession', 'read');
  const theirs = us(rows, 'redis', 'read');
  if (bare === undefined || ours === undefined || theirs === undefined) return undefined;
  const shown = `+${(ours - bare).toFixed(0)} µs vs connect-redis +${(theirs - bare).toFixed(0)} µs`;
  return { shown, met: ours - bare <= theirs - bare };
}

/** Every gaesession row that ran: 0 acknowledged writes lost, and the worker drained the write run. */
function nothingLost(rows: Rows): Measure | undefined {
  const ours = [...rows.values()].filter((result) => result.id.startsWith('gaesession') && result.write !== undefined);
  if (ours.length === 0) return undefined;
  const lost = ours.reduce((sum, result) => sum + (result.lostWrites ?? 0), 0);
  const undrained = ours.filter((result) => result.drain === 'timeout' || result.drain === undefined).length;
  const shown = `${lost} lost in ${ours.length} rows${undrained > 0 ? `, ${undrained} not drained` : ''}`;
  return { shown, met: lost === 0 && undrained === 0 };
}

function tasksTarget(rows: Rows): Measure | undefined {
  const value = tasksPer1000(rows.get('gaesession-cloud-tasks'));
  return value === undefined ? undefined : { shown: value.toFixed(0), met: value <= 100 };
}

/** Grouped Cloud Tasks writes' p99 at most 2 ms above the ungrouped ones'. */
function groupedP99(rows: Rows): Measure | undefined {
  const grouped = rows.get('gaesession-cloud-tasks')?.write?.p99Ms;
  const ungrouped = rows.get('gaesession-cloud-tasks-ungrouped')?.write?.p99Ms;
  if (grouped === undefined || ungrouped === undefined) return undefined;
  const delta = grouped - ungrouped;
  return { shown: `${formatMs(grouped)} vs ${formatMs(ungrouped)} ms`, met: delta <= 2 };
}

export const TARGETS: readonly Target[] = [
  {
    goal: 'reads: server CPU added over bare Express ≤ connect-redis’s',
    row: 'gaesession',
    measure: addedReadCpu,
  },
  {
    goal: 'reads ≥ 0.75× bare Express req/s (goal)',
    row: 'gaesession',
    measure: relative(rate, 'gaesession', 'express', 'read', { atLeast: 0.75 }),
  },
  {
    goal: 'writes (memcached + BullMQ): server CPU per write ≤ 1.5× connect-redis’s',
    row: 'gaesession',
    measure: relative(us, 'gaesession', 'redis', 'write', { atMost: 1.5 }),
  },
  {
    goal: 'writes (memcached + BullMQ) ≥ 0.8× connect-redis req/s, worker paused',
    row: 'gaesession',
    measure: relative(rate, 'gaesession', 'redis', 'write', { atLeast: 0.8 }),
  },
  { goal: 'writes: 0 lost, every gaesession row drained', row: 'gaesession', measure: nothingLost },
  {
    goal: 'Valkey: writes ≥ 1.0× connect-redis req/s',
    row: 'gaesession-valkey',
    measure: relative(rate, 'gaesession-valkey', 'redis', 'write', { atLeast: 1 }),
  },
  {
    goal: 'Valkey: server CPU per write ≤ 1.2× connect-redis’s',
    row: 'gaesession-valkey',
    measure: relative(us, 'gaesession-valkey', 'redis', 'write', { atMost: 1.2 }),
  },
  { goal: 'Cloud Tasks: ≤ 100 tasks per 1,000 writes', row: 'gaesession-cloud-tasks', measure: tasksTarget },
  {
    goal: 'Cloud Tasks: grouped write p99 ≤ ungrouped + 2 ms',
    row: 'gaesession-cloud-tasks',
    measure: groupedP99,
  },
];

function failuresOf(result: ServerResult | undefined): number {
  const runs: (RunStats | undefined)[] = [result?.read, result?.write];
  return runs.reduce((sum, stats) => sum + (stats?.failures ?? 0), 0);
}

/**
 * Each target against these results: `n/a` when a row it needs is missing; a target about a row
 * that had failed requests fails (fast error answers must not count as throughput).
 */
export function checkTargets(results: readonly ServerResult[], targets: readonly Target[] = TARGETS): CheckResult[] {
  const rows: Rows = new Map(results.map((result) => [result.id, result]));
  return targets.map((target) => {
    const measured = target.measure(rows);
    if (measured === undefined) return { target, verdict: 'n/a', shown: 'n/a' };
    const failed = failuresOf(rows.get(target.row));
    if (failed > 0) return { target, verdict: 'FAIL', shown: measured.shown, note: `${failed} failed requests` };
    return { target, verdict: measured.met ? 'PASS' : 'FAIL', shown: measured.shown };
  });
}

export function formatCheck(check: CheckResult): string {
  const note = check.note === undefined ? '' : ` (${check.note})`;
  return `${check.verdict.padEnd(4)} ${check.target.goal}: ${check.shown}${note}`;
}

/**
 * Figures beside the targets: does group enqueue pay (grouped writes/s over ungrouped, BullMQ and
 * Cloud Tasks), and the write rate over express-session + connect-datastore.
 */
export function infoLines(results: readonly ServerResult[]): string[] {
  const writes = (id: ServerId) => results.find((result) => result.id === id)?.write?.requestsPerSec;
  const datastore = ratio(writes('gaesession'), writes('datastore'));
  const overDatastore =
    datastore === undefined ? [] : [`info writes (memcached + BullMQ) = ${formatRatio(datastore)} connect-datastore`];
  const pairs = [
    ['BullMQ', 'gaesession', 'gaesession-ungrouped'],
    ['Cloud Tasks', 'gaesession-cloud-tasks', 'gaesession-cloud-tasks-ungrouped'],
  ] as const;
  const grouping = pairs.flatMap(([queue, grouped, ungrouped]) => {
    const value = ratio(writes(grouped), writes(ungrouped));
    return value === undefined
      ? []
      : [`info group enqueue (${queue}): writes/s grouped = ${formatRatio(value)} ungrouped`];
  });
  return [...grouping, ...overDatastore];
}
