// The checker: once the worker has drained, every acknowledged change must be in Datastore.
import { setTimeout as sleep } from 'node:timers/promises';
import type { StoredState } from '@gaesession/persistence';
import { addFindings, judgeState, noFindings, promisedValues, type Findings } from './judge.js';
import type { SessionLedger } from './ledger.js';

/** What the checker reads Datastore through (`DatastoreRepository` in the test's namespace). */
export interface StateReader {
  inspect(key: string): Promise<StoredState>;
}

/** What the checker found in Datastore. */
export interface Verification extends Findings {
  /** Sessions compared (live, dropped, or of uncertain fate but still stored). */
  sessions: number;
  /** Logged-out sessions and regenerated-away keys that Datastore holds as live sessions again. */
  resurrected: number;
}

/** Keys read at once. */
const READ_CONCURRENCY = 16;

/** Reads `keys` from Datastore, `READ_CONCURRENCY` at a time. */
export async function readStates(reader: StateReader, keys: readonly string[]): Promise<Map<string, StoredState>> {
  const states = new Map<string, StoredState>();
  let next = 0;
  const lane = async () => {
    while (next < keys.length) {
      const key = keys[next++] as string;
      states.set(key, await reader.inspect(key));
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, keys.length) }, lane));
  return states;
}

/** Every key a ledger says something about. */
export function keysOf(ledgers: readonly SessionLedger[]): string[] {
  return ledgers.flatMap((ledger) => [...(ledger.key === undefined ? [] : [ledger.key]), ...ledger.retiredKeys]);
}

/** What Datastore must come to hold under one key: at least a version, or a tombstone. */
export interface Target {
  readonly key: string;
  /** The newest acknowledged version (ignored for a tombstone). */
  readonly version: number;
  /** A logout was acknowledged: the key must hold a tombstone. */
  readonly destroyed: boolean;
}

/** What the ledgers expect of Datastore right now (sessions of uncertain fate expect nothing). */
export function targetsOf(ledgers: readonly SessionLedger[]): Target[] {
  return ledgers.flatMap((ledger) => {
    if (ledger.key === undefined || ledger.uncertain) return [];
    return [{ key: ledger.key, version: ledger.version, destroyed: ledger.state === 'logged-out' }];
  });
}

/** True when `state` is what `target` expects, or newer. */
export function reached(target: Target, state: StoredState | undefined): boolean {
  if (target.destroyed) return state?.state === 'destroyed';
  return state?.state === 'stored' && state.record.version >= target.version;
}

/** Compares one ledger with what Datastore holds under its keys. */
export function judgeStored(ledger: SessionLedger, states: ReadonlyMap<string, StoredState>): Verification {
  const verification: Verification = { ...noFindings(), sessions: 0, resurrected: 0 };
  for (const retired of ledger.retiredKeys) {
    if (states.get(retired)?.state === 'stored') {
      verification.resurrected += 1;
      verification.problems.push(`resurrected: ${ledger.user}: regenerated-away key ${retired} is live`);
    }
  }
  if (ledger.key === undefined) return verification;
  const state = states.get(ledger.key) ?? { state: 'missing' };
  if (ledger.state === 'logged-out' && !ledger.uncertain) {
    if (state.state === 'stored') {
      verification.resurrected += 1;
      verification.problems.push(
        `resurrected: ${ledger.user}: logged out, yet live at version ${state.record.version}`,
      );
    }
    return verification;
  }
  if (state.state !== 'stored') {
    // Logged out or regenerated without an answer: gone is one of the possible outcomes.
    if (ledger.uncertain) return verification;
    verification.sessions += 1;
    verification.lost += Math.max(1, promisedValues(ledger));
    verification.problems.push(`lost: ${ledger.user}: session ${ledger.key} is ${state.state} in Datastore`);
    return verification;
  }
  verification.sessions += 1;
  addFindings(verification, judgeState(ledger, state.record, 'datastore'));
  return verification;
}

/** Compares every ledger with Datastore. */
export async function verifyLedgers(reader: StateReader, ledgers: readonly SessionLedger[]): Promise<Verification> {
  const states = await readStates(reader, keysOf(ledgers));
  const total: Verification = { ...noFindings(), sessions: 0, resurrected: 0 };
  for (const ledger of ledgers) {
    const one = judgeStored(ledger, states);
    addFindings(total, one);
    total.sessions += one.sessions;
    total.resurrected += one.resurrected;
  }
  return total;
}

export interface WaitOptions {
  /**
   * Also wait until this is 0 (jobs still to be delivered). With it, the wait also ends (with
   * undefined) once the queue is empty and no target was reached for `settleMs`: nothing more is
   * coming. @defaultValue not waited for
   */
  readonly queueDepth?: () => Promise<number>;
  /** See `queueDepth`, in ms. @defaultValue 10000 */
  readonly settleMs?: number;
  /** Give up after this long, in ms. */
  readonly timeoutMs: number;
  /** Poll every this many ms. @defaultValue 200 */
  readonly intervalMs?: number;
  /** Gives up (with undefined) once aborted. */
  readonly signal?: AbortSignal;
}

/**
 * Waits until Datastore has reached every target (and the queue is empty, when asked). Resolves
 * with the moment it did (ms since the epoch), or undefined on timeout. Only targets not yet
 * reached are read again on each poll.
 */
export async function waitForTargets(
  reader: StateReader,
  targets: readonly Target[],
  options: WaitOptions,
): Promise<number | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  let pending = [...targets];
  let progressAt = Date.now();
  for (;;) {
    const keys = pending.map((target) => target.key);
    // A failed read (Datastore still waking up) just means: not yet.
    const states = await readStates(reader, keys).catch(() => new Map<string, StoredState>());
    const left = pending.filter((target) => !reached(target, states.get(target.key)));
    if (left.length < pending.length) progressAt = Date.now();
    pending = left;
    const depth = options.queueDepth === undefined ? 0 : await options.queueDepth().catch(() => 1);
    if (pending.length === 0 && depth === 0) return Date.now();
    const settled = options.queueDepth !== undefined && depth === 0;
    if (settled && Date.now() - progressAt >= (options.settleMs ?? 10_000)) return undefined;
    if (Date.now() >= deadline || options.signal?.aborted === true) return undefined;
    await sleep(options.intervalMs ?? 200);
  }
}
