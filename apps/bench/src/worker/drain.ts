import { decodeEvents } from '@gaesession/events';
import { DatastoreRepository, DeadLetterStore } from '@gaesession/persistence';
import { consumeEvents, type ReceivedEvents } from '@gaesession/queue';
import { silentLogger } from '@gaesession/core';
import { GroupCommitter, processPayload } from '@gaesession/worker';
import { CountingRepository, type ApplyCounts } from './counting-repository.js';
import { withNamespace, type Datastore, type RunContext } from './context.js';
import { Countdown } from './countdown.js';
import { deleteQueue, publishAll } from './queue.js';
import { storedVersions, versionMismatches } from './verify.js';
import type { Workload } from './workload.js';

/** How a consumer persists the events of its jobs. */
export type DrainMode = 'one-commit-per-event' | 'group-commit';

export interface DrainOptions {
  /** BullMQ jobs handled at once, both modes (the worker's WORKER_CONCURRENCY default). */
  readonly concurrency: number;
  /** Give up when no job completed for this long, ms. */
  readonly stallMs: number;
}

export interface DrainResult {
  readonly mode: DrainMode;
  readonly events: number;
  readonly sessions: number;
  /** From starting the consumer until the last job's events were durable, ms. */
  readonly elapsedMs: number;
  readonly counts: ApplyCounts;
  /** Job attempts that failed (BullMQ retried them). */
  readonly failedAttempts: number;
  /**
   * CPU time of this process (user + system) over the same span, µs: the worker side only (the
   * consumer, decoding, the committer, the Datastore client); the latency proxy is another process.
   */
  readonly cpuMicros: number;
}

/**
 * Queues every event of `workload` as its own BullMQ job, then starts a consumer and times it
 * until every job is done, checking afterwards that Datastore holds each session's newest version.
 * `one-commit-per-event` is the seed's worker: each job applies its event in a transaction of its
 * own. `group-commit` is this worker's path: each job goes through `processPayload` into one
 * `GroupCommitter` (its defaults) over the same repository.
 */
export async function measureDrain(
  ctx: RunContext,
  mode: DrainMode,
  workload: Workload,
  options: DrainOptions,
): Promise<DrainResult> {
  const queueName = ctx.name(`drain-${mode}`);
  return withNamespace(ctx, `drain-${mode}`, async (datastore, namespace) => {
    try {
      ctx.log(`${mode}: queueing ${workload.events.length} events on ${queueName}`);
      await publishAll(ctx.services, queueName, workload.events);
      const repository = new CountingRepository(new DatastoreRepository({ datastore, namespace }));
      const persister =
        mode === 'group-commit' ? groupCommit(datastore, namespace, repository) : oneCommitPerEvent(repository);
      const finished = new Set<string>();
      let failedAttempts = 0;
      const countdown = new Countdown(workload.events.length, options.stallMs);
      const progress = setInterval(() => {
        ctx.log(`${mode}: ${countdown.count}/${countdown.target} jobs done`);
      }, 2000);
      ctx.log(`${mode}: consuming with concurrency ${options.concurrency}`);
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const consumer = await consumeEvents(
        { connection: ctx.services.redis, queueName, concurrency: options.concurrency },
        async (received) => {
          try {
            await persister.persist(received, `bullmq:${queueName}/${received.jobId}`);
          } catch (error) {
            failedAttempts++;
            throw error;
          }
          if (!finished.has(received.jobId)) {
            finished.add(received.jobId);
            countdown.tick();
          }
        },
      );
      let elapsedMs: number;
      let cpuMicros: number;
      try {
        await countdown.done;
        elapsedMs = performance.now() - started;
        const cpu = process.cpuUsage(cpuBefore);
        cpuMicros = cpu.user + cpu.system;
      } finally {
        clearInterval(progress);
        countdown.dispose();
        await consumer.close();
        await persister.close();
      }
      const problems = versionMismatches(workload.finalVersions, await storedVersions(datastore, namespace));
      if (problems.length > 0) throw new Error(`${mode}: Datastore does not hold the events: ${problems.join('; ')}`);
      ctx.log(`${mode}: ${workload.events.length} events in ${(elapsedMs / 1000).toFixed(1)} s, Datastore checked`);
      return {
        mode,
        events: workload.events.length,
        sessions: workload.finalVersions.size,
        elapsedMs,
        counts: repository.counts,
        failedAttempts,
        cpuMicros,
      };
    } finally {
      await deleteQueue(ctx.services, queueName);
    }
  });
}

/** How a job's events become durable. */
interface Persister {
  persist(received: ReceivedEvents, source: string): Promise<void>;
  /** Settles what is still pending. */
  close(): Promise<void>;
}

/** The seed's worker: each job's event in a Datastore transaction of its own. */
function oneCommitPerEvent(repository: CountingRepository): Persister {
  return {
    persist: async (received) => {
      if (received.invalid !== undefined) throw received.invalid;
      await repository.apply(decodeEvents(received.payload));
    },
    close: () => Promise.resolve(),
  };
}

/** This worker's path: `processPayload` into one `GroupCommitter` with its defaults, as `startLocalQueue` runs it. */
function groupCommit(datastore: Datastore, namespace: string, repository: CountingRepository): Persister {
  const committer = new GroupCommitter({ repository });
  const deps = {
    committer,
    deadLetters: new DeadLetterStore({ datastore, namespace }),
    logger: silentLogger,
    projectId: 'bench',
  };
  return {
    persist: async (received, source) => {
      const { payload, invalid, attempt, maxAttempts } = received;
      await processPayload({ payload, invalid, attempt, lastAttempt: attempt >= maxAttempts, source }, deps);
    },
    close: () => committer.close(),
  };
}
