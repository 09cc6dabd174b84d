import { createHash } from 'node:crypto';
import { eventFromWrite, type SessionEvent } from '@gaesession/events';

/** Idle timeout of every generated session, ms: long enough to outlive any bench run. */
const TIMEOUT_MS = 30 * 60_000;

/**
 * A session key for index `index` of run `seed`: 43 base64url characters (a SHA-256, as real keys
 * are), deterministic so a run can check what Datastore holds.
 */
export function benchKey(seed: string, index: number): string {
  return createHash('sha256').update(`${seed}/${index}`).digest('base64url');
}

/** The event of version `version` of session `key`: a `set` of one counter attribute, as a request makes. */
export function changeEvent(key: string, version: number, now: number): SessionEvent {
  const created = now - version;
  return eventFromWrite(
    {
      kind: version === 1 ? 'create' : 'update',
      baseVersion: version - 1,
      record: {
        key,
        version,
        created,
        accessed: now,
        timeout: TIMEOUT_MS,
        constants: { user: key.slice(0, 8) },
        attrs: { n: version },
      },
      ops: [{ op: 'set', name: 'n', value: version }],
    },
    now,
  );
}

/** Events of one workload, and the version each session should end at once all are applied. */
export interface Workload {
  readonly events: readonly SessionEvent[];
  /** Newest version per session key. */
  readonly finalVersions: ReadonlyMap<string, number>;
}

/**
 * Changes `from` (inclusive) to `to` (exclusive) of a round-robin workload over `sessions`
 * sessions: change i is version floor(i / sessions) + 1 of session i mod `sessions`. Lazy, so a
 * long run never holds its events.
 */
export function* roundRobinEvents(
  seed: string,
  sessions: number,
  from: number,
  to: number,
  now: () => number = Date.now,
): Generator<SessionEvent> {
  const keys = Array.from({ length: sessions }, (_, index) => benchKey(seed, index));
  for (let index = from; index < to; index++) {
    yield changeEvent(keys[index % sessions] as string, Math.floor(index / sessions) + 1, now());
  }
}

/** `count` round-robin changes over `sessions` sessions (see {@link roundRobinEvents}), held in memory. */
export function roundRobinWorkload(seed: string, count: number, sessions: number, now = Date.now()): Workload {
  const events = [...roundRobinEvents(seed, sessions, 0, count, () => now)];
  const finalVersions = new Map(events.map((event) => [event.key, event.version]));
  return { events, finalVersions };
}

/** Sessions for `count` changes of which about `distinctShare` (0..1] touch a session of their own. */
export function mostlyDistinctSessions(count: number, distinctShare: number): number {
  return Math.max(1, Math.round(count * distinctShare));
}
