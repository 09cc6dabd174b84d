import { DatastoreRepository } from '@gaesession/persistence';
import { GroupCommitter } from '@gaesession/worker';
import { withNamespace, type RunContext } from './context.js';
import { CountingRepository, type ApplyCounts } from './counting-repository.js';
import { deliverConcurrently } from './deliveries.js';
import { exposedGc, settledSample, type MemorySample } from './gc.js';
import { roundRobinEvents } from './workload.js';

export interface MemoryOptions {
  /** Events measured, after the warm-up. */
  readonly events: number;
  /** Events before the first sample: JIT, client channels and pools reach their steady size. */
  readonly warmupEvents: number;
  /** Sessions the events are spread over, round-robin (each group folds to at most this many writes). */
  readonly sessions: number;
  /** Deliveries in flight at once. */
  readonly inFlight: number;
  /** Events per delivery (a task's batch). */
  readonly eventsPerDelivery: number;
  /** Samples taken after the warm-up, evenly spaced (at least 1: the end). */
  readonly checkpoints: number;
  /** Wait between the two collections of a sample, ms. */
  readonly settleMs: number;
}

export interface MemoryCheckpoint extends MemorySample {
  /** Events delivered after the warm-up when this was taken. */
  readonly events: number;
}

export interface MemoryResult {
  readonly options: MemoryOptions;
  /** After the warm-up. */
  readonly before: MemorySample;
  /** After each stretch of events; the last one is after all of them. */
  readonly checkpoints: readonly MemoryCheckpoint[];
  readonly elapsedMs: number;
  readonly counts: ApplyCounts;
}

/**
 * Worker memory over a long stream of events through the group-commit path (deliveries submitted
 * to a `GroupCommitter` over a `DatastoreRepository` on the emulator), generated lazily so the bench
 * holds none of them: samples heap and RSS after full collections, after a warm-up and then after
 * each stretch. A leak shows as growth from stretch to stretch.
 */
export async function measureMemory(ctx: RunContext, options: MemoryOptions): Promise<MemoryResult> {
  const gc = exposedGc();
  return withNamespace(ctx, 'memory', async (datastore, namespace) => {
    const seed = ctx.name('memory');
    const repository = new CountingRepository(new DatastoreRepository({ datastore, namespace }));
    const committer = new GroupCommitter({ repository });
    const shape = { inFlight: options.inFlight, eventsPerDelivery: options.eventsPerDelivery };
    // Straight into the committer: the decoding and validation before it keep nothing between deliveries.
    const deliver = (from: number, to: number) =>
      deliverConcurrently(roundRobinEvents(seed, options.sessions, from, to), shape, (events) =>
        committer.submit(events),
      );
    try {
      ctx.log(`memory: warm-up, ${options.warmupEvents} events`);
      await deliver(0, options.warmupEvents);
      const before = await settledSample(gc, options.settleMs);
      const checkpoints: MemoryCheckpoint[] = [];
      const stretches = Math.max(1, options.checkpoints);
      const started = performance.now();
      let done = 0;
      for (let stretch = 1; stretch <= stretches; stretch++) {
        const until = Math.round((options.events * stretch) / stretches);
        await deliver(options.warmupEvents + done, options.warmupEvents + until);
        done = until;
        const sample = { events: done, ...(await settledSample(gc, options.settleMs)) };
        checkpoints.push(sample);
        ctx.log(`memory: ${done}/${options.events} events, heap ${mib(sample.heapUsed)}, rss ${mib(sample.rss)}`);
      }
      const elapsedMs = performance.now() - started;
      return { options, before, checkpoints, elapsedMs, counts: repository.counts };
    } finally {
      await committer.close();
    }
  });
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
