import type { SessionEvent } from '@gaesession/events';
import type { StoredSession } from './model.js';

/** The events of one session key in a batch, and the one whose state the key ends in. */
export interface FoldedSession {
  readonly key: string;
  /**
   * The event whose state wins: the highest-version `destroyed` event if there is one (a destroy
   * is final, whatever its version), else the highest version (the first of equal versions).
   */
  readonly winner: SessionEvent;
  /** Every event of the key in the batch, in batch order (duplicates included). */
  readonly events: readonly SessionEvent[];
}

/**
 * Folds a batch per session key, keys in order of first appearance. The result does not depend on
 * the order of the events within a key, so out-of-order delivery folds to the same winner.
 */
export function foldEvents(events: readonly SessionEvent[]): FoldedSession[] {
  const byKey = new Map<string, { winner: SessionEvent; events: SessionEvent[] }>();
  for (const event of events) {
    const group = byKey.get(event.key);
    if (group === undefined) {
      byKey.set(event.key, { winner: event, events: [event] });
    } else {
      group.events.push(event);
      if (beats(event, group.winner)) group.winner = event;
    }
  }
  return [...byKey].map(([key, group]) => ({ key, winner: group.winner, events: group.events }));
}

function beats(candidate: SessionEvent, current: SessionEvent): boolean {
  const candidateDestroys = candidate.type === 'destroyed';
  const currentDestroys = current.type === 'destroyed';
  if (candidateDestroys !== currentDestroys) return candidateDestroys;
  return candidate.version > current.version;
}

/**
 * What to do with a folded winner, given what is stored:
 * - `write`: store the winner's state;
 * - `tombstoned`: the key is already destroyed, and a tombstone absorbs everything;
 * - `stale`: the stored version is the same or newer (a duplicate, or out-of-order delivery);
 * - `expired`: the winner is a live snapshot that has already expired: a write no read could use.
 */
export type Decision = 'write' | 'tombstoned' | 'stale' | 'expired';

export function decide(winner: SessionEvent, stored: StoredSession | undefined, now: number): Decision {
  if (stored?.tombstone === true) return 'tombstoned';
  // A destroy lands over any live state, even one with a newer version: logging out is final.
  if (winner.type === 'destroyed') return 'write';
  if (stored !== undefined && stored.version >= winner.version) return 'stale';
  if (winner.expiresAt <= now) return 'expired';
  return 'write';
}
