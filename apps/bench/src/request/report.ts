import type { ServerId } from './catalogue.js';
import type { CpuShare } from './cpu.js';

/** What one autocannon run measured. */
export interface RunStats {
  /** Mean of autocannon's per-second samples. */
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
}

/** `app`: apps/worker; `minimal`: the bench's stand-in consumer (no group commit). */
/** One server's row. */
export interface ServerResult {
  readonly id: ServerId;
  readonly label: string;
  readonly read?: RunStats;
  readonly write?: RunStats;
  /**
   * gaesession only: ms from the end of the write run until Datastore held every session's
   * latest version, or `timeout`.
   */
  readonly drain?: number | 'timeout';
  /**
   * Acknowledged writes (2xx) whose increment is missing from the counter afterwards: lost
   * updates, the price of last-write-wins under concurrency.
   */
  readonly lostWrites?: number;
  /** gaesession only: which worker drained the queue. */
  /** CPU the machine used just before this server started, with nothing of the bench running (% of one core). */
  readonly background?: number;
  /** Why the server has no figures (it failed to start, say). */
  readonly error?: string;
}

/** `a / b`, or undefined when either side is missing or b is 0. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}

export function formatRatio(value: number | undefined): string {
  if (value === undefined) return 'n/a';
  return `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}×`;
}

function formatMs(ms: number): string {
  return ms >= 10 ? ms.toFixed(0) : ms.toFixed(1);
}

function rate(stats: RunStats | undefined): string {
  return stats === undefined ? '—' : stats.requestsPerSec.toFixed(0);
}

function latency(stats: RunStats | undefined): string {
  return stats === undefined ? '—' : `${formatMs(stats.p50Ms)} / ${formatMs(stats.p99Ms)}`;
}

function failures(result: ServerResult): string {
  if (result.error !== undefined) return 'did not run';
  const parts = [result.read, result.write].map((stats) => (stats === undefined ? '—' : String(stats.failures)));
  return parts.join(' / ');
}

function lost(result: ServerResult): string {
  const acknowledged = result.write?.succeeded;
  if (result.lostWrites === undefined || acknowledged === undefined || acknowledged === 0) return '—';
  return `${result.lostWrites} (${((100 * result.lostWrites) / acknowledged).toFixed(0)}%)`;
}

function drain(result: ServerResult): string {
  if (result.drain === undefined) return '—';
  return result.drain === 'timeout' ? 'timed out' : `${(result.drain / 1000).toFixed(1)} s`;
}

const HEADER = [
  'server',
  'read req/s',
  'read p50 / p99 ms',
  'write req/s',
  'write p50 / p99 ms',
  'read × bare',
  'write × bare',
  'failed (r / w)',
  'lost writes',
  'drain after writes',
];

/** Renders rows as a Markdown table (readable as plain text too): first column left, the rest right. */
function markdown(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const pad = (cell: string, i: number) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0));
  const line = (cells: readonly string[]) => `| ${cells.map(pad).join(' | ')} |`;
  // The separator row as Prettier writes it, so the table can be pasted into Markdown as is.
  const rule = line(widths.map((width, i) => (i === 0 ? `:${'-'.repeat(width - 1)}` : `${'-'.repeat(width - 1)}:`)));
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** The results as a Markdown table (readable as plain text too), ratios against bare Express. */
export function formatTable(results: readonly ServerResult[]): string {
  const bare = results.find((result) => result.id === 'express');
  const rows = results.map((result) => [
    result.label,
    rate(result.read),
    latency(result.read),
    rate(result.write),
    latency(result.write),
    formatRatio(ratio(result.read?.requestsPerSec, bare?.read?.requestsPerSec)),
    formatRatio(ratio(result.write?.requestsPerSec, bare?.write?.requestsPerSec)),
    failures(result),
    lost(result),
    drain(result),
  ]);
  return markdown(HEADER, rows);
}

function cpuCell(share: CpuShare | undefined): string {
  if (share === undefined) return '—';
  const worker = share.worker === undefined ? '—' : share.worker.toFixed(0);
  return [share.server.toFixed(0), worker, share.loadGenerator.toFixed(0), share.rest.toFixed(0)].join(' / ');
}

/** CPU time per answered request, in µs: the server's, and the worker's after a slash. */
function costCell(stats: RunStats | undefined): string {
  const share = stats?.cpu;
  if (stats === undefined || share === undefined || stats.requests === 0) return '—';
  const perRequest = (percent: number) => ((percent / 100) * share.seconds * 1e6) / stats.requests;
  const worker = share.worker === undefined ? '' : ` + ${perRequest(share.worker).toFixed(0)}`;
  return `${perRequest(share.server).toFixed(0)}${worker}`;
}

/**
 * Where the CPU went: the machine's load just before each server started (other users of the
 * machine: anything well above 0 disturbs that row), CPU µs per request (server, + worker), which
 * contention disturbs less than rates do, and the split in % of one core (the machine has
 * `cores` × 100 %): server, gaesession worker, autocannon, and everything else (Redis, memcached,
 * the emulator, other users of the machine).
 */
export function formatCpuTable(results: readonly ServerResult[]): string {
  const header = [
    'server',
    'idle before %',
    'read µs/req',
    'write µs/req (+ worker)',
    'read % server / worker / autocannon / rest',
    'write % server / worker / autocannon / rest',
  ];
  const rows = results.map((result) => [
    result.label,
    result.background === undefined ? '—' : result.background.toFixed(0),
    costCell(result.read),
    costCell(result.write),
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
