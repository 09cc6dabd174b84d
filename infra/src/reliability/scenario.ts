// Runs one fault scenario: scripted load before, during and after a fault, then the drain and
// the check against Datastore.
import { setTimeout as sleep } from 'node:timers/promises';
import { DatastoreRepository, DEFAULT_DEAD_LETTER_KIND } from '@gaesession/persistence';
import type { RunningApps } from '../testing/apps.fixture.js';
import { LoadClient } from './load-client.js';
import { QueueProbe } from './queue-probe.js';
import { targetsOf, verifyLedgers, waitForTargets } from './verify.js';

/** How big and how long a run is. All durations in ms. */
export interface ScenarioSizes {
  /** Sessions written at the same time. */
  readonly sessions: number;
  /** Pause between two requests of one session. */
  readonly pauseMs: number;
  /** Load before the fault, and each step of a fault that has several. */
  readonly phaseMs: number;
  /** How long an outage lasts. */
  readonly outageMs: number;
  /** Load after the fault healed. */
  readonly afterMs: number;
  /** Longest wait for the worker to drain. */
  readonly drainTimeoutMs: number;
}

/** Small enough for `npm test` (each scenario well under 30 s). */
export const QUICK: ScenarioSizes = {
  sessions: 12,
  pauseMs: 100,
  phaseMs: 1500,
  outageMs: 3000,
  afterMs: 1000,
  drainTimeoutMs: 30_000,
};

/** `npm run chaos`: more sessions, longer outages. */
export const CHAOS: ScenarioSizes = {
  sessions: 45,
  pauseMs: 200,
  phaseMs: 5000,
  outageMs: 20_000,
  afterMs: 5000,
  drainTimeoutMs: 120_000,
};

/** One row of the fault table. */
export interface ScenarioResult {
  readonly name: string;
  /** Requests answered 2xx. */
  readonly acknowledged: number;
  /** Of those, answered between the fault's start and its recovery. */
  readonly acknowledgedDuringFault: number;
  /** Requests answered otherwise (or not at all). */
  readonly nonAcknowledged: number;
  /** Those by outcome: status code, `timeout` or `network`. */
  readonly refused: Readonly<Record<string, number>>;
  readonly lost: number;
  readonly reverted: number;
  /** Values nobody wrote, increments counted twice. */
  readonly unexpected: number;
  /** Logged-out or regenerated-away sessions live again. */
  readonly resurrected: number;
  /** Sessions compared with Datastore. */
  readonly sessions: number;
  /** Sessions the app stopped knowing (401) after acknowledging them. */
  readonly dropped: number;
  /** From the recovery to everything acknowledged being in Datastore; undefined: never drained. */
  readonly drainMs: number | undefined;
  /** From the fault's start to its recovery. */
  readonly faultMs: number;
  /** Jobs BullMQ gave up on, and dead letters the worker kept. */
  readonly failedJobs: number;
  readonly deadLetters: number;
  readonly problems: readonly string[];
  /** Figures of the scenario's own (see {@link FaultContext.measure}). */
  readonly measures: Readonly<Record<string, number>>;
}

/** What a scenario's fault step works with. */
export interface FaultContext {
  readonly apps: RunningApps;
  readonly sizes: ScenarioSizes;
  readonly queue: QueueProbe;
  log(line: string): void;
  sleep(ms: number): Promise<void>;
  /** Marks the fault's start (the run's time of the first fault action). */
  faultStarted(): void;
  /**
   * Stops the first third of the sessions (the witnesses) and resolves once their last answers
   * are in. Call it when the fault puts the most at risk: their last acknowledged writes are then
   * the ones that are only queued behind a stopped worker, only in a Redis about to die, only in
   * a cache about to be flushed... No later write can carry their state to Datastore instead.
   * When a scenario does not call it, the witnesses stop at the recovery.
   */
  stopWitnesses(): Promise<void>;
  /**
   * Marks the fault healed; the second third of the sessions stops (their last writes were made
   * during the fault), the last third writes on for `afterMs`.
   */
  recovered(): Promise<void>;
  /**
   * Logs in `count` more sessions now (they stop at the recovery, like the second third), and
   * resolves once they are logged in: sessions born during the fault.
   */
  addSessions(count: number): Promise<void>;
  /** A figure of this scenario's own, for the report and the tests (e.g. jobs active at a kill). */
  measure(name: string, value: number): void;
}

export interface RunOptions {
  readonly name: string;
  readonly apps: RunningApps;
  /** The Redis the apps' queue lives on. */
  readonly redis: { readonly host: string; readonly port: number };
  readonly sizes: ScenarioSizes;
  readonly log: (line: string) => void;
  /** Breaks something and heals it, calling `faultStarted()` and `recovered()`. */
  readonly fault: (context: FaultContext) => Promise<void>;
}

/** The load's groups: stopped by the fault, stopped at the recovery, writing on after it. */
const WITNESSES = 0;
const DURING = 1;

/** Marks of one run, ms since the epoch. */
interface Marks {
  faultAt?: number;
  recoveredAt?: number;
  /** Resolves with the moment Datastore held everything acknowledged up to the recovery. */
  backlogDurable?: Promise<number | undefined>;
}

/**
 * Writes with a {@link LoadClient} for `phaseMs`, runs the fault, writes `afterMs` longer, waits
 * for the drain, and compares every session with Datastore. The drain time is the time from the
 * recovery until everything acknowledged before it was in Datastore (measured while the load
 * goes on).
 */
export async function runScenario(options: RunOptions): Promise<ScenarioResult> {
  const { apps, sizes } = options;
  const log = (line: string) => {
    options.log(`${options.name}: ${line}`);
  };
  const queue = new QueueProbe(options.redis, apps.queueName);
  const repository = new DatastoreRepository({
    datastore: apps.datastore.datastore,
    namespace: apps.datastore.namespace,
  });
  const load = new LoadClient({ baseUrl: apps.web.url, sessions: sizes.sessions, pauseMs: sizes.pauseMs, groups: 3 });
  const measures: Record<string, number> = {};
  const marks: Marks = {};
  const giveUp = new AbortController();
  try {
    try {
      await load.start();
      log(`${sizes.sessions} sessions writing`);
      await sleep(sizes.phaseMs);
      await options.fault({
        apps,
        sizes,
        queue,
        log,
        sleep,
        faultStarted: () => (marks.faultAt ??= Date.now()),
        stopWitnesses: () => load.stopGroup(WITNESSES),
        recovered: async () => {
          marks.recoveredAt = Date.now();
          await Promise.all([load.stopGroup(WITNESSES), load.stopGroup(DURING)]);
          const targets = targetsOf(load.ledgers);
          const { signal } = giveUp;
          marks.backlogDurable = waitForTargets(repository, targets, { timeoutMs: sizes.drainTimeoutMs, signal });
        },
        addSessions: (count) => load.addLanes(count, DURING, 'newcomer'),
        measure: (name, value) => (measures[name] = value),
      });
      await sleep(sizes.afterMs);
    } finally {
      await load.stop();
    }
    const faultAt = marks.faultAt ?? Date.now();
    const recoveredAt = marks.recoveredAt ?? Date.now();
    log(`load stopped; fault lasted ${recoveredAt - faultAt} ms; draining`);
    const drainedAt = await waitForTargets(repository, targetsOf(load.ledgers), {
      queueDepth: () => queue.depth(),
      timeoutMs: sizes.drainTimeoutMs,
    });
    if (drainedAt === undefined) {
      log('not drained: the queue is empty and Datastore stopped changing, or the time is up');
      // What the final drain could not reach, the backlog (a subset of it) will not reach either.
      giveUp.abort();
    }
    const backlogDurableAt = await marks.backlogDurable;
    const verification = await verifyLedgers(repository, load.ledgers);
    const { failed } = await queue.counts();
    const deadLetters = (await apps.datastore.dump(DEFAULT_DEAD_LETTER_KIND)).size;
    const { tally } = load;
    return {
      name: options.name,
      acknowledged: tally.acknowledged,
      acknowledgedDuringFault: tally.acknowledgedBetween(faultAt, recoveredAt),
      nonAcknowledged: tally.nonAcknowledged,
      refused: tally.refusedSummary(),
      lost: verification.lost,
      reverted: verification.reverted,
      unexpected: verification.unexpected,
      resurrected: verification.resurrected,
      sessions: verification.sessions,
      dropped: load.ledgers.filter((ledger) => ledger.state === 'dropped').length,
      drainMs: backlogDurableAt === undefined ? undefined : Math.max(0, backlogDurableAt - recoveredAt),
      faultMs: recoveredAt - faultAt,
      failedJobs: failed,
      deadLetters,
      problems: verification.problems,
      measures,
    };
  } finally {
    await queue.close();
  }
}
