// The soak's samples: throughput, errors, latency, queue lag and memory, every few seconds.
import { readFileSync } from 'node:fs';
import type { QueueProbe } from './queue-probe.js';
import type { Tally } from './tally.js';

/** One sampling window. Sizes in MiB, times in ms. */
export interface SoakSample {
  /** Seconds since the steady load started, at the window's end. */
  readonly atS: number;
  readonly requestsPerS: number;
  /** Share of the window's answers that were not 2xx, 0..1. */
  readonly errorRate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Jobs still to be delivered. */
  readonly queued: number;
  /** Age of the oldest job waiting (0 when none waits). */
  readonly oldestEventMs: number;
  readonly workerRssMiB: number | undefined;
  readonly workerHeapMiB: number | undefined;
  readonly webRssMiB: number | undefined;
}

const MIB = 1024 * 1024;

/** A metric's value in a Prometheus text exposition; undefined when absent. */
export function metricValue(text: string, name: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  const value = Number(
    line
      ?.slice(name.length + 1)
      .trim()
      .split(' ')[0],
  );
  return line === undefined || Number.isNaN(value) ? undefined : value;
}

/** The worker's resident set and used heap, in MiB, from its /metrics. */
export async function workerMemory(metricsText: () => Promise<string>): Promise<{ rss?: number; heap?: number }> {
  try {
    const text = await metricsText();
    const rss = metricValue(text, 'gaesession_worker_process_resident_memory_bytes');
    const heap = metricValue(text, 'gaesession_worker_nodejs_heap_size_used_bytes');
    return { ...(rss === undefined ? {} : { rss: rss / MIB }), ...(heap === undefined ? {} : { heap: heap / MIB }) };
  } catch {
    return {};
  }
}

/** A process's resident set in MiB (Linux /proc), or undefined. */
export function processRssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? undefined : Number(match[1]) / 1024;
  } catch {
    return undefined;
  }
}

/** Takes one sample: the tally's window since the last one, the queue, and the apps' memory. */
export async function takeSample(input: {
  readonly atS: number;
  readonly windowS: number;
  readonly tally: Tally;
  readonly queue: QueueProbe;
  /** The worker's /metrics text. */
  readonly workerMetrics: () => Promise<string>;
  readonly webPid: number | undefined;
}): Promise<SoakSample> {
  const window = input.tally.takeWindow();
  const [counts, worker] = await Promise.all([
    input.queue.counts().catch(() => ({ pending: Number.NaN, oldestWaitingAt: undefined })),
    workerMemory(input.workerMetrics),
  ]);
  return {
    atS: input.atS,
    requestsPerS: window.requests / input.windowS,
    errorRate: window.requests === 0 ? 0 : window.errors / window.requests,
    p50Ms: window.p50Ms,
    p99Ms: window.p99Ms,
    queued: counts.pending,
    oldestEventMs: counts.oldestWaitingAt === undefined ? 0 : Math.max(0, Date.now() - counts.oldestWaitingAt),
    workerRssMiB: worker.rss,
    workerHeapMiB: worker.heap,
    webRssMiB: processRssMiB(input.webPid),
  };
}

/** How memory moved from the first half of the steady state to the second, in MiB. */
export interface MemoryTrend {
  /** Resident sets: the median of each half. */
  readonly workerRss: readonly [number, number] | undefined;
  /** Used heap: the lowest sample of each half, which is closest to the live set after a collection. */
  readonly workerHeap: readonly [number, number] | undefined;
  readonly webRss: readonly [number, number] | undefined;
  /** No measure grew by more than the allowance (see {@link memoryTrend}). */
  readonly flat: boolean;
}

function median(values: readonly number[]): number | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? undefined : sorted[Math.floor((sorted.length - 1) / 2)];
}

function lowest(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : Math.min(...values);
}

/**
 * Compares the first half of the steady state (the samples at or after `warmupS`) with the
 * second half. Resident sets compare by median; the heap by its lowest sample, since a sample
 * taken just before a collection says little (the heap swings by tens of MiB between
 * collections). A measure is flat when it grew by at most 20 % or 16 MiB, whichever is more.
 */
export function memoryTrend(samples: readonly SoakSample[], warmupS: number): MemoryTrend {
  const steady = samples.filter((sample) => sample.atS >= warmupS);
  const half = Math.floor(steady.length / 2);
  const halves = [steady.slice(0, half), steady.slice(steady.length - half)] as const;
  const pair = (
    pick: (sample: SoakSample) => number | undefined,
    summary: (values: readonly number[]) => number | undefined,
  ): readonly [number, number] | undefined => {
    const [first, last] = halves.map((part) => summary(part.flatMap((sample) => pick(sample) ?? [])));
    return first === undefined || last === undefined ? undefined : [first, last];
  };
  const workerRss = pair((sample) => sample.workerRssMiB, median);
  const workerHeap = pair((sample) => sample.workerHeapMiB, lowest);
  const webRss = pair((sample) => sample.webRssMiB, median);
  const grewTooMuch = (measure: readonly [number, number] | undefined) =>
    measure !== undefined && measure[1] - measure[0] > Math.max(16, measure[0] * 0.2);
  const flat = half >= 1 && ![workerRss, workerHeap, webRss].some(grewTooMuch);
  return { workerRss, workerHeap, webRss, flat };
}

const fixed = (value: number | undefined, digits = 0) => (value === undefined ? '-' : value.toFixed(digits));

/** The samples as a Markdown table. */
export function sampleTable(samples: readonly SoakSample[]): string {
  const header =
    '| t (s) | req/s | errors | p50 (ms) | p99 (ms) | queued | oldest event (ms) | worker RSS (MiB) | worker heap (MiB) | web RSS (MiB) |';
  const rule = '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const rows = samples.map(
    (s) =>
      `| ${s.atS} | ${fixed(s.requestsPerS)} | ${(s.errorRate * 100).toFixed(2)} % | ${fixed(s.p50Ms, 1)} | ` +
      `${fixed(s.p99Ms, 1)} | ${s.queued} | ${fixed(s.oldestEventMs)} | ${fixed(s.workerRssMiB)} | ` +
      `${fixed(s.workerHeapMiB)} | ${fixed(s.webRssMiB)} |`,
  );
  return [header, rule, ...rows].join('\n');
}
