import { DatastoreRepository, DeadLetterStore, type ApplyResult } from '@gaesession/persistence';
import { silentLogger } from '@gaesession/core';
import type { SessionEvent } from '@gaesession/events';
import { GroupCommitter } from '@gaesession/worker';
import { withNamespace, type RunContext } from './context.js';
import { CountingRepository } from './counting-repository.js';
import { deliverConcurrently, viaProcessPayload } from './deliveries.js';
import type { Workload } from './workload.js';

/** CPU of this process over one run of a workload. */
export interface CpuSpan {
  readonly events: number;
  readonly elapsedMs: number;
  /** User + system, µs. */
  readonly cpuMicros: number;
  /** Repository applies (commits). */
  readonly applies: number;
}

/**
 * Where the worker's CPU per event goes, without the queue: the same events delivered straight to
 * `processPayload` (`inFlight` at once, one event each) into a `GroupCommitter` over the Datastore
 * repository, then over a repository that does nothing. The BullMQ drain minus the first is the
 * queue consumer's share; the first minus the second is the Datastore client's.
 */
export interface CpuSplit {
  readonly withDatastore: CpuSpan;
  readonly committerOnly: CpuSpan;
}

/** A repository that stores nothing: every event counts as written. */
const nowhere = {
  apply: (events: readonly SessionEvent[]): Promise<ApplyResult> =>
    Promise.resolve({ written: new Set(events.map((event) => event.key)).size, skipped: 0 }),
};

async function timed(
  workload: Workload,
  inFlight: number,
  repository: CountingRepository,
  deadLetters: DeadLetterStore,
): Promise<CpuSpan> {
  const committer = new GroupCommitter({ repository });
  const deps = { committer, deadLetters, logger: silentLogger, projectId: 'bench' };
  const started = performance.now();
  const before = process.cpuUsage();
  try {
    await deliverConcurrently(workload.events, { inFlight }, viaProcessPayload(deps));
  } finally {
    await committer.close();
  }
  const cpu = process.cpuUsage(before);
  return {
    events: workload.events.length,
    elapsedMs: performance.now() - started,
    cpuMicros: cpu.user + cpu.system,
    applies: repository.counts.applies,
  };
}

export function measureCpuSplit(ctx: RunContext, workload: Workload, inFlight: number): Promise<CpuSplit> {
  return withNamespace(ctx, 'cpu-direct', async (datastore, namespace) => {
    const deadLetters = new DeadLetterStore({ datastore, namespace });
    const repository = new CountingRepository(new DatastoreRepository({ datastore, namespace }));
    const withDatastore = await timed(workload, inFlight, repository, deadLetters);
    const committerOnly = await timed(workload, inFlight, new CountingRepository(nowhere), deadLetters);
    ctx.log(
      `CPU without the queue: ${Math.round(withDatastore.cpuMicros / withDatastore.events)} µs per event to Datastore, ` +
        `${Math.round(committerOnly.cpuMicros / committerOnly.events)} with a repository that does nothing`,
    );
    return { withDatastore, committerOnly };
  });
}
