import type { ApplyCounts } from './counting-repository.js';
import type { CpuSplit, CpuSpan } from './cpu-split.js';
import type { DrainResult } from './drain.js';
import { growth, perSecond, perUnits, verdict, type Target, type Verdict } from './figures.js';
import type { HotSessionResult } from './hot-sessions.js';
import type { MemoryResult } from './memory.js';
import type { DeleteSpeed, PurgeMeasurement } from './purge.js';
import { markdownTable, type Row } from './table.js';
import type { CallTimes } from './timed-client.js';

/** Group commit drains at least this many times faster than one commit per event. */
export const DRAIN_TARGET: Target = { kind: 'min', value: 8 };
/** Session entity writes per 1000 hot-session changes, at most. */
export const HOT_TARGET: Target = { kind: 'max', value: 100 };
/** The batched purge deletes at least this many times faster than the seed's. */
export const PURGE_TARGET: Target = { kind: 'min', value: 3 };
/** Worker CPU per event at full batches, µs, at most. */
export const CPU_TARGET: Target = { kind: 'max', value: 150 };
/** Heap and RSS grow by at most this share over the memory run. */
export const MEMORY_TARGET: Target = { kind: 'max', value: 0.1 };

export interface DrainPair {
  readonly concurrency: number;
  readonly group: DrainResult;
  readonly seed: DrainResult;
}

export interface PurgePair {
  readonly batched: PurgeMeasurement;
  readonly oneByOne: PurgeMeasurement;
  /** Raw delete speed of the emulator. */
  readonly deletes: DeleteSpeed;
}

export interface WorkerBenchResults {
  readonly drains: readonly DrainPair[];
  readonly hot: readonly HotSessionResult[];
  readonly purge?: PurgePair | undefined;
  /** The group-commit drain whose CPU per event is measured (e), and its consumer concurrency. */
  readonly cpu?:
    { readonly concurrency: number; readonly drain: DrainResult; readonly split?: CpuSplit | undefined } | undefined;
  readonly memory?: MemoryResult | undefined;
}

interface Line {
  readonly row: Row;
  /** What the target is checked on, as the PASS/FAIL line shows it. */
  readonly figure: string;
  readonly verdict: Verdict;
}

const whole = (value: number): string => Math.round(value).toLocaleString('en-US');
const times = (value: number): string => `${value.toFixed(1)}×`;
const percent = (share: number): string => `${share >= 0 ? '+' : ''}${(share * 100).toFixed(1)} %`;
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const targetText = (target: Target, unit = ''): string => `${target.kind === 'min' ? '≥' : '≤'} ${target.value}${unit}`;
const eventsPerApply = (result: { counts: { events: number; applies: number } }): string =>
  (result.counts.events / Math.max(1, result.counts.applies)).toFixed(1);

function drainLine({ concurrency, group, seed }: DrainPair): Line {
  const groupRate = perSecond(group.events, group.elapsedMs);
  const seedRate = perSecond(seed.events, seed.elapsedMs);
  const ratio = groupRate / seedRate;
  return {
    row: [
      `(a) drain ${whole(group.events)} queued events (${whole(group.sessions)} sessions), ${concurrency} jobs in flight`,
      `${whole(groupRate)} events/s (${eventsPerApply(group)} events per commit)`,
      `${whole(seedRate)} events/s`,
      times(ratio),
      targetText(DRAIN_TARGET, '×'),
      verdict(ratio, DRAIN_TARGET),
    ],
    figure: times(ratio),
    verdict: verdict(ratio, DRAIN_TARGET),
  };
}

function hotLine(result: HotSessionResult): Line {
  const writes = perUnits(result.counts.written, result.changes, 1000);
  return {
    row: [
      `(b) hot sessions: ${whole(result.changes)} changes over ${result.sessions} sessions, ${result.inFlight} deliveries in flight`,
      `${whole(writes)} writes per 1000 changes (${result.counts.applies} commits)`,
      '1,000 (one per change)',
      times(1000 / Math.max(1, writes)),
      `${targetText(HOT_TARGET)} writes`,
      verdict(writes, HOT_TARGET),
    ],
    figure: `${whole(writes)} writes per 1000 changes`,
    verdict: verdict(writes, HOT_TARGET),
  };
}

function purgeLine({ batched, oneByOne }: PurgePair): Line {
  const ratio = perSecond(batched.deleted, batched.elapsedMs) / perSecond(oneByOne.deleted, oneByOne.elapsedMs);
  return {
    row: [
      `(c) purge ${whole(batched.seeded)} expired sessions (seeded twice)`,
      `${whole(perSecond(batched.deleted, batched.elapsedMs))} deleted/s (500 a page, 4 deletes in flight)`,
      `${whole(perSecond(oneByOne.deleted, oneByOne.elapsedMs))} deleted/s (100, one at a time)`,
      times(ratio),
      targetText(PURGE_TARGET, '×'),
      verdict(ratio, PURGE_TARGET),
    ],
    figure: times(ratio),
    verdict: verdict(ratio, PURGE_TARGET),
  };
}

/** Worker CPU µs per event of a drain. */
export const cpuPerEvent = (drain: DrainResult): number => drain.cpuMicros / Math.max(1, drain.events);

function cpuLine({ concurrency, drain }: NonNullable<WorkerBenchResults['cpu']>): Line {
  const micros = cpuPerEvent(drain);
  return {
    row: [
      `(e) worker CPU at full batches: ${whole(drain.events)} queued events, ${concurrency} jobs in flight`,
      `${whole(micros)} µs per event (${eventsPerApply(drain)} events per commit)`,
      '',
      '',
      targetText(CPU_TARGET, ' µs'),
      verdict(micros, CPU_TARGET),
    ],
    figure: `${whole(micros)} µs per event`,
    verdict: verdict(micros, CPU_TARGET),
  };
}

function memoryLine(result: MemoryResult): Line {
  const after = result.checkpoints.at(-1) ?? result.before;
  const heap = growth(result.before.heapUsed, after.heapUsed);
  const rss = growth(result.before.rss, after.rss);
  const worst = Math.max(heap, rss);
  return {
    row: [
      `(d) memory over ${whole(result.options.events)} events through the group committer`,
      `heap ${mib(result.before.heapUsed)} → ${mib(after.heapUsed)} (${percent(heap)}), RSS ${mib(result.before.rss)} → ${mib(after.rss)} (${percent(rss)})`,
      '',
      '',
      `${targetText({ ...MEMORY_TARGET, value: MEMORY_TARGET.value * 100 }, ' %')} growth`,
      verdict(worst, MEMORY_TARGET),
    ],
    figure: `heap ${percent(heap)}, RSS ${percent(rss)}`,
    verdict: verdict(worst, MEMORY_TARGET),
  };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const average = (times: CallTimes): string => `${Math.round(times.totalMs / Math.max(1, times.calls))} ms`;

function drainDetails(drains: readonly DrainPair[]): string[] {
  const applies = (counts: ApplyCounts): string =>
    `${counts.applies} commits of ${(counts.events / Math.max(1, counts.applies)).toFixed(1)} events, ` +
    `${Math.round(counts.totalMs / Math.max(1, counts.applies))} ms each, up to ${counts.maxInFlight} in flight`;
  return drains.map(
    ({ concurrency, group, seed }) =>
      `- drain, ${concurrency} jobs in flight: group commit ${seconds(group.elapsedMs)}, ${applies(group.counts)}; ` +
      `one commit per event ${seconds(seed.elapsedMs)}, ${applies(seed.counts)}; ` +
      `worker CPU ${whole(cpuPerEvent(group))} / ${whole(cpuPerEvent(seed))} µs per event; ` +
      `failed job attempts ${group.failedAttempts} / ${seed.failedAttempts}; Datastore checked after each.`,
  );
}

function purgeDetails({ batched, oneByOne, deletes }: PurgePair): string[] {
  const seedRate = perSecond(oneByOne.deleted, oneByOne.elapsedMs);
  const describe = (purge: PurgeMeasurement): string =>
    `${purge.queries.calls} queries (${average(purge.queries)} each), ${purge.deletes.calls} deletes ` +
    `(${average(purge.deletes)} each, up to ${purge.deletes.maxInFlight} in flight)`;
  return [
    `- purge: batched ${seconds(batched.elapsedMs)}: ${describe(batched)}; seed's ${seconds(oneByOne.elapsedMs)}: ${describe(oneByOne)}. ` +
      `Seeding ran at ${whole(perSecond(batched.seeded, batched.seedMs))} and ${whole(perSecond(oneByOne.seeded, oneByOne.seedMs))} entities/s.`,
    `- emulator alone, raw deletes: ${whole(deletes.delete500)} keys/s (500 a call), ${whole(deletes.delete4x500)} (500 a call, 4 in flight), ` +
      `${whole(deletes.delete100)} (100 a call). A purge deleting at the best of these speeds, with nothing else running, ` +
      `would be ${times(Math.max(deletes.delete500, deletes.delete4x500) / seedRate)} the seed's.`,
  ];
}

function cpuDetails({ concurrency, drain, split }: NonNullable<WorkerBenchResults['cpu']>): string {
  const { counts } = drain;
  const perEvent = (span: CpuSpan): string => `${whole(span.cpuMicros / Math.max(1, span.events))} µs per event`;
  const without =
    split === undefined
      ? ''
      : ` The same events without the queue (straight into \`processPayload\`, ${concurrency} at once): ` +
        `${perEvent(split.withDatastore)} into the Datastore repository (${split.withDatastore.applies} commits), ` +
        `${perEvent(split.committerOnly)} into a repository that does nothing (${split.committerOnly.applies} groups).`;
  return (
    `- CPU: group-commit drain of ${whole(drain.events)} events with ${concurrency} jobs in flight, ${seconds(drain.elapsedMs)} ` +
    `(${whole(perSecond(drain.events, drain.elapsedMs))} events/s), ${counts.applies} commits of ${eventsPerApply(drain)} events ` +
    `(${Math.round(counts.totalMs / Math.max(1, counts.applies))} ms each, up to ${counts.maxInFlight} in flight); ` +
    `process CPU ${(drain.cpuMicros / 1000).toFixed(0)} ms (${whole(perSecond(drain.cpuMicros / 1000, drain.elapsedMs) / 10)} % of a core).` +
    without
  );
}

function memoryDetails({ options, before, checkpoints, elapsedMs, counts }: MemoryResult): string {
  const trail = checkpoints.map((sample) => `${whole(sample.events)}: ${mib(sample.heapUsed)} / ${mib(sample.rss)}`);
  return (
    `- memory (a child process, \`--expose-gc\`): ${options.sessions} sessions, ${options.inFlight} deliveries of ` +
    `${options.eventsPerDelivery} events in flight, warm-up ${whole(options.warmupEvents)} events; ` +
    `${whole(perSecond(options.events, elapsedMs))} events/s, ${counts.applies} commits; heap / RSS after a full GC: ` +
    `start ${mib(before.heapUsed)} / ${mib(before.rss)}, ${trail.join(', ')}.`
  );
}

/** Lines under the table: what the figures rest on. */
function details(results: WorkerBenchResults): string[] {
  return [
    ...drainDetails(results.drains),
    ...(results.purge === undefined ? [] : purgeDetails(results.purge)),
    ...(results.cpu === undefined ? [] : [cpuDetails(results.cpu)]),
    ...(results.memory === undefined ? [] : [memoryDetails(results.memory)]),
  ];
}

/** One target check of a run: the row's measurement, its figure against the target, the verdict. */
export interface Check {
  readonly measurement: string;
  /** The figure the target is checked on: a ratio, writes, µs, growth. */
  readonly figure: string;
  readonly target: string;
  readonly verdict: Verdict;
}

/** The run's table (Markdown), the lines under it, its target checks, and whether every target was met. */
export function formatReport(results: WorkerBenchResults): { text: string; passed: boolean; checks: Check[] } {
  const lines = [
    ...results.drains.map(drainLine),
    ...results.hot.map(hotLine),
    ...(results.purge === undefined ? [] : [purgeLine(results.purge)]),
    ...(results.cpu === undefined ? [] : [cpuLine(results.cpu)]),
    ...(results.memory === undefined ? [] : [memoryLine(results.memory)]),
  ];
  const table = markdownTable(
    ['measurement', 'this worker', 'seed approach', 'ratio', 'target', ''],
    lines.map((line) => line.row),
    ['l', 'r', 'r', 'r', 'l', 'l'],
  );
  const checks = lines.map(({ row, figure, verdict: lineVerdict }) => ({
    measurement: row[0] ?? '',
    figure,
    target: row[4] ?? '',
    verdict: lineVerdict,
  }));
  return {
    text: [table, '', ...details(results)].join('\n'),
    passed: lines.every((line) => line.verdict === 'PASS'),
    checks,
  };
}
