import type { DrainResult } from './drain.js';
import { growth, perSecond, perUnits, purgeCeiling, verdict, type Target, type Verdict } from './figures.js';
import type { HotSessionResult } from './hot-sessions.js';
import type { MemoryResult } from './memory.js';
import type { EmulatorSpeed, PurgeMeasurement } from './purge.js';
import { markdownTable, type Row } from './table.js';

/** Group commit drains at least this many times faster than one commit per event. */
export const DRAIN_TARGET: Target = { kind: 'min', value: 8 };
/** Session entity writes per 1000 hot-session changes, at most. */
export const HOT_TARGET: Target = { kind: 'max', value: 100 };
/** The batched purge deletes at least this many times faster than the seed's. */
export const PURGE_TARGET: Target = { kind: 'min', value: 3 };
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
  readonly emulator: EmulatorSpeed;
}

export interface WorkerBenchResults {
  readonly drains: readonly DrainPair[];
  readonly hot: readonly HotSessionResult[];
  readonly purge?: PurgePair | undefined;
  readonly memory?: MemoryResult | undefined;
}

interface Line {
  readonly row: Row;
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
    verdict: verdict(ratio, PURGE_TARGET),
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
    verdict: verdict(worst, MEMORY_TARGET),
  };
}

/** Lines under the table: what the figures rest on. */
function details(results: WorkerBenchResults): string[] {
  const lines: string[] = [];
  for (const { concurrency, group, seed } of results.drains) {
    lines.push(
      `- drain, ${concurrency} in flight: group commit ${(group.elapsedMs / 1000).toFixed(1)} s, ${group.counts.applies} commits, ` +
        `${group.counts.written} Session writes; one commit per event ${(seed.elapsedMs / 1000).toFixed(1)} s, ` +
        `${seed.counts.applies} commits; failed job attempts ${group.failedAttempts} / ${seed.failedAttempts}; Datastore checked after each.`,
    );
  }
  if (results.purge !== undefined) {
    const { emulator, batched, oneByOne } = results.purge;
    const ceiling = purgeCeiling(emulator);
    lines.push(
      `- purge: batched ${(batched.elapsedMs / 1000).toFixed(1)} s, seed's ${(oneByOne.elapsedMs / 1000).toFixed(1)} s ` +
        `(seeding ${whole(perSecond(batched.seeded, batched.seedMs))} and ${whole(perSecond(oneByOne.seeded, oneByOne.seedMs))} entities/s).`,
      `- emulator alone, keys/s: keys-only queries ${whole(emulator.query500)} (pages of 500), ${whole(emulator.query100)} (pages of 100); ` +
        `deletes ${whole(emulator.delete500)} (500 a call), ${whole(emulator.delete4x500)} (500 a call, 4 in flight), ${whole(emulator.delete100)} (100 a call). ` +
        `Ceiling of the purge ratio on these speeds: ${times(ceiling.overlapped)} if reads and deletes overlap, ${times(ceiling.serialized)} if the emulator serializes them.`,
    );
  }
  if (results.memory !== undefined) {
    const { options, before, checkpoints, elapsedMs, counts } = results.memory;
    const trail = checkpoints.map((sample) => `${whole(sample.events)}: ${mib(sample.heapUsed)} / ${mib(sample.rss)}`);
    lines.push(
      `- memory: ${options.sessions} sessions, ${options.inFlight} deliveries of ${options.eventsPerDelivery} events in flight, ` +
        `warm-up ${whole(options.warmupEvents)} events; ${whole(perSecond(options.events, elapsedMs))} events/s, ` +
        `${counts.applies} commits; heap / RSS after a full GC: start ${mib(before.heapUsed)} / ${mib(before.rss)}, ${trail.join(', ')}.`,
    );
  }
  return lines;
}

/** The run's table (Markdown), the lines under it, and whether every target was met. */
export function formatReport(results: WorkerBenchResults): { text: string; passed: boolean } {
  const lines = [
    ...results.drains.map(drainLine),
    ...results.hot.map(hotLine),
    ...(results.purge === undefined ? [] : [purgeLine(results.purge)]),
    ...(results.memory === undefined ? [] : [memoryLine(results.memory)]),
  ];
  const table = markdownTable(
    ['measurement', 'this worker', 'seed approach', 'ratio', 'target', ''],
    lines.map((line) => line.row),
    ['l', 'r', 'r', 'r', 'l', 'l'],
  );
  return {
    text: [table, '', ...details(results)].join('\n'),
    passed: lines.every((line) => line.verdict === 'PASS'),
  };
}
