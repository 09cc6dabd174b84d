import type { ServerId } from './catalogue.js';
import type { CpuShare } from './cpu.js';
import { formatMs, formatRatio, markdown, ratio } from './markdown.js';

export { formatRatio, ratio } from './markdown.js';

/** What one autocannon run measured. */
export interface RunStats {
  /** Answered 2xx per second. */
  readonly requestsPerSec: number;
  /** Latency percentiles, in ms. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Responses received. */
  readonly requests: number;
  /** 2xx responses. */
  readonly succeeded: number;
  /** Connection errors, timeouts, non-2xx answers and mismatches: must be 0. */
  readonly failures: number;
  /** e.g. `12×503, 3 errors (3 timeouts)`; empty when there were none. */
  readonly failureDetail: string;
  /** Where the machine's CPU went meanwhile (Linux only). */
  readonly cpu?: CpuShare;
  /** The server's CPU µs per 2xx answer when given (the median of several rounds); else from `cpu`. */
  readonly serverUsPerRequest?: number;
}

/** One server's row. */
export interface ServerResult {
  readonly id: ServerId;
  readonly label: string;
  readonly read?: RunStats;
  readonly write?: RunStats;
  /**
   * gaesession only: ms from resuming the worker after the write run until Datastore held every
   * session's latest version, or `timeout`.
   */
  readonly drain?: number | 'timeout';
  /**
   * Acknowledged writes (2xx) whose increment is missing from the counter afterwards: lost
   * updates, the price of last-write-wins under concurrency.
   */
  readonly lostWrites?: number;
  /** gaesession only: the worker's CPU while draining the write run, in µs per acknowledged write. */
  readonly workerUsPerEvent?: number;
  /** Cloud Tasks rows: tasks created from the start of the write run to the end of the drain. */
  readonly tasksCreated?: number;
  /** CPU the machine used just before this server started, with nothing of the bench running (% of one core). */
  readonly background?: number;
  /** Why the server has no figures (it failed to start, say). */
  readonly error?: string;
}

/** The server's CPU time per 2xx answer during a run, in µs. */
export function serverUsPerRequest(stats: RunStats | undefined): number | undefined {
  if (stats?.serverUsPerRequest !== undefined) return stats.serverUsPerRequest;
  const share = stats?.cpu;
  if (stats === undefined || share === undefined || stats.succeeded === 0) return undefined;
  return ((share.server / 100) * share.seconds * 1e6) / stats.succeeded;
}

/** Cloud Tasks tasks created per 1,000 acknowledged writes. */
export function tasksPer1000(result: ServerResult | undefined): number | undefined {
  const writes = result?.write?.succeeded;
  if (result?.tasksCreated === undefined || writes === undefined || writes === 0) return undefined;
  return (1000 * result.tasksCreated) / writes;
}

const whole = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(0));

function latency(stats: RunStats | undefined): string {
  return stats === undefined ? '—' : `${formatMs(stats.p50Ms)} / ${formatMs(stats.p99Ms)}`;
}

const MAIN_HEADER = [
  'server',
  'read req/s',
  'read CPU µs/req',
  '× bare',
  '× connect-redis',
  'write req/s',
  'write CPU µs/req',
  '× bare',
  '× connect-redis',
  'read p50 / p99 ms',
  'write p50 / p99 ms',
];

/**
 * The main table: requests/s and the server's CPU µs per 2xx answer (its process CPU time over
 * the answers), with the CPU ratios to bare Express and to express-session + connect-redis.
 */
export function formatTable(results: readonly ServerResult[]): string {
  const bare = results.find((result) => result.id === 'express');
  const redis = results.find((result) => result.id === 'redis');
  const rows = results.map((result) => {
    const cost = (route: 'read' | 'write') => {
      const us = serverUsPerRequest(result[route]);
      return [
        whole(us),
        formatRatio(ratio(us, serverUsPerRequest(bare?.[route]))),
        formatRatio(ratio(us, serverUsPerRequest(redis?.[route]))),
      ];
    };
    return [
      result.label,
      whole(result.read?.requestsPerSec),
      ...cost('read'),
      whole(result.write?.requestsPerSec),
      ...cost('write'),
      latency(result.read),
      latency(result.write),
    ];
  });
  return markdown(MAIN_HEADER, rows);
}

function failures(result: ServerResult): string {
  if (result.error !== undefined) return 'did not run';
  return [result.read, result.write].map((stats) => (stats === undefined ? '—' : String(stats.failures))).join(' / ');
}

function lost(result: ServerResult): string {
  const acknowledged = result.write?.succeeded;
  if (result.lostWrites === undefined || acknowledged === undefined || acknowledged === 0) return '—';
  return `${result.lostWrites.toFixed(0)} of ${acknowledged.toFixed(0)} (${((100 * result.lostWrites) / acknowledged).toFixed(0)}%)`;
}

function drain(result: ServerResult): string {
  if (result.drain === undefined) return '—';
  return result.drain === 'timeout' ? 'timed out' : `${(result.drain / 1000).toFixed(1)} s`;
}

function tasks(result: ServerResult): string {
  const per1000 = tasksPer1000(result);
  return per1000 === undefined ? '—' : `${per1000.toFixed(0)} (${(result.tasksCreated ?? 0).toFixed(0)})`;
}

/**
 * Writes and what follows them: failed requests, lost writes, and for gaesession the worker
 * (paused during the runs) draining the write run: how long, its CPU µs per write, and with
 * Cloud Tasks the tasks created per 1,000 writes.
 */
export function formatWriteTable(results: readonly ServerResult[]): string {
  const header = [
    'server',
    'failed (r / w)',
    'lost writes',
    'drain after writes',
    'worker CPU µs/write',
    'tasks / 1,000 writes (tasks)',
  ];
  const rows = results.map((result) => [
    result.label,
    failures(result),
    lost(result),
    drain(result),
    whole(result.workerUsPerEvent),
    tasks(result),
  ]);
  return markdown(header, rows);
}

function cpuCell(share: CpuShare | undefined): string {
  if (share === undefined) return '—';
  const worker = share.worker === undefined ? '—' : share.worker.toFixed(0);
  const queueSide = share.emulator === undefined ? worker : `${worker} + ${share.emulator.toFixed(0)}`;
  return [share.server.toFixed(0), queueSide, share.loadGenerator.toFixed(0), share.rest.toFixed(0)].join(' / ');
}

/**
 * Where the CPU went: the machine's load just before each server started (other users of the
 * machine: anything well above 0 disturbs that row), and the split in % of one core (the machine
 * has `cores` × 100 %): server, gaesession worker (paused: 0; + the Cloud Tasks emulator),
 * autocannon, and everything else (Redis, memcached, the emulator, other users of the machine).
 */
export function formatCpuTable(results: readonly ServerResult[]): string {
  const header = [
    'server',
    'idle before %',
    'read % server / worker (+ emulator) / autocannon / rest',
    'write % server / worker (+ emulator) / autocannon / rest',
  ];
  const rows = results.map((result) => [
    result.label,
    result.background === undefined ? '—' : result.background.toFixed(0),
    cpuCell(result.read?.cpu),
    cpuCell(result.write?.cpu),
  ]);
  return markdown(header, rows);
}

/** Every failed request, and every server that did not run, as lines to print under the table. */
export function problems(results: readonly ServerResult[]): string[] {
  return results.flatMap((result) => {
    if (result.error !== undefined) return [`${result.label}: did not run: ${result.error}`];
    const failed = (['read', 'write'] as const).flatMap((route) => {
      const stats = result[route];
      return stats !== undefined && stats.failures > 0
        ? [`${result.label}: ${stats.failures} failed ${route} requests (${stats.failureDetail})`]
        : [];
    });
    const undrained = result.drain === 'timeout' ? [`${result.label}: the worker did not drain the queue in time`] : [];
    return [...failed, ...undrained];
  });
}
