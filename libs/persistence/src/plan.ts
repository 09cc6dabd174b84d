import type { SessionEvent } from '@gaesession/events';
import type { FoldedSession } from './fold.js';

/** One mutation-to-be of a commit: the folded state of a session, or one event for the log. */
export type PlanItem =
  { readonly type: 'session'; readonly folded: FoldedSession } | { readonly type: 'log'; readonly event: SessionEvent };

/** Per-commit limits. */
export interface CommitLimits {
  /** Items (= keys looked up = at most one mutation each) per commit; Datastore allows 500 mutations. */
  readonly maxItems: number;
  /** Estimated bytes per commit; Datastore allows 10 MiB per request. */
  readonly maxBytes: number;
}

/** Overhead counted for every item besides its snapshot: key, property names, numbers. */
const ITEM_OVERHEAD_BYTES = 256;

/** Bytes an item may add to a commit: its snapshot, counted once more for an event's ops. */
export function itemBytes(item: PlanItem): number {
  const event = item.type === 'session' ? item.folded.winner : item.event;
  const snapshot = event.snapshot === null ? 0 : estimateJsonBytes(event.snapshot);
  const ops = item.type === 'log' ? estimateJsonBytes(event.ops) : 0;
  return ITEM_OVERHEAD_BYTES + snapshot + ops;
}

function estimateJsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/**
 * Cuts a folded batch into commits within the limits (log items de-duplicated by event id). Each
 * session's log items follow its session item, so a session and its events usually share a
 * commit; a session with more events than fit spills the rest of its log items into the next
 * commits (each commit is idempotent on its own).
 */
export function planCommits(folded: readonly FoldedSession[], logEvents: boolean, limits: CommitLimits): PlanItem[][] {
  const commits: PlanItem[][] = [];
  let current: PlanItem[] = [];
  let bytes = 0;
  const push = (item: PlanItem): void => {
    const size = itemBytes(item);
    if (current.length > 0 && (current.length >= limits.maxItems || bytes + size > limits.maxBytes)) {
      commits.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  };
  const logged = new Set<string>();
  for (const session of folded) {
    push({ type: 'session', folded: session });
    if (!logEvents) continue;
    for (const event of session.events) {
      // A duplicate in the batch would be a second mutation of one entity, which a commit refuses.
      if (logged.has(event.id)) continue;
      logged.add(event.id);
      push({ type: 'log', event });
    }
  }
  if (current.length > 0) commits.push(current);
  return commits;
}
