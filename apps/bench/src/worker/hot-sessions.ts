import { DatastoreRepository, DeadLetterStore } from '@gaesession/persistence';
import { silentLogger } from '@gaesession/core';
import { GroupCommitter } from '@gaesession/worker';
import { withNamespace, type RunContext } from './context.js';
import { CountingRepository, type ApplyCounts } from './counting-repository.js';
import { deliverConcurrently, viaProcessPayload } from './deliveries.js';
import { storedVersions, versionMismatches } from './verify.js';
import { roundRobinWorkload } from './workload.js';

export interface HotSessionOptions {
  /** Session changes delivered. */
  readonly changes: number;
  /** Sessions the changes are spread over, round-robin. */
  readonly sessions: number;
  /** Deliveries in flight at once (one event each). */
  readonly inFlight: number;
}

export interface HotSessionResult extends HotSessionOptions {
  readonly elapsedMs: number;
  /** `written` is the Session entity writes Datastore received. */
  readonly counts: ApplyCounts;
}

/**
 * Hot sessions: `changes` changes over a few sessions, delivered concurrently through
 * `processPayload` into a `GroupCommitter` (its defaults), counting the Session entity writes the
 * repository makes. Checks afterwards that every session holds its newest version.
 */
export async function measureHotSessions(ctx: RunContext, options: HotSessionOptions): Promise<HotSessionResult> {
  const label = `hot-${options.inFlight}`;
  return withNamespace(ctx, label, async (datastore, namespace) => {
    const workload = roundRobinWorkload(ctx.name(label), options.changes, options.sessions);
    const repository = new CountingRepository(new DatastoreRepository({ datastore, namespace }));
    const committer = new GroupCommitter({ repository });
    const deps = {
      committer,
      deadLetters: new DeadLetterStore({ datastore, namespace }),
      logger: silentLogger,
      projectId: 'bench',
    };
    ctx.log(
      `hot sessions: ${options.changes} changes over ${options.sessions} sessions, ${options.inFlight} in flight`,
    );
    const started = performance.now();
    try {
      await deliverConcurrently(workload.events, { inFlight: options.inFlight }, viaProcessPayload(deps));
    } finally {
      await committer.close();
    }
    const elapsedMs = performance.now() - started;
    const problems = versionMismatches(workload.finalVersions, await storedVersions(datastore, namespace));
    if (problems.length > 0)
      throw new Error(`hot sessions: Datastore does not hold the newest state: ${problems.join('; ')}`);
    const counts = repository.counts;
    ctx.log(
      `hot sessions: ${counts.written} Session writes in ${counts.applies} applies, ${(elapsedMs / 1000).toFixed(1)} s`,
    );
    return { ...options, elapsedMs, counts };
  });
}
