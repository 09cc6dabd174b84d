import { createHash } from 'node:crypto';
import { InvalidEventError } from '@gaesession/events';

/**
 * BullMQ refuses custom job ids that contain `:` (its key separator) or that read back as an
 * integer (`String(parseInt(id, 10)) === id`, which would clash with its own counter ids). Event
 * ids are `<base64url key>.<version>`, which is already safe and maps to itself; anything else is
 * percent-escaped so the mapping stays deterministic and reversible.
 */
export function jobIdOf(eventId: string): string {
  if (eventId === '') throw new InvalidEventError('event id is empty');
  const escaped = eventId.replaceAll('%', '%25').replaceAll(':', '%3A');
  return readsAsInteger(escaped) ? escapeChar(escaped.charAt(0)) + escaped.slice(1) : escaped;
}

function readsAsInteger(id: string): boolean {
  return String(Number.parseInt(id, 10)) === id;
}

function escapeChar(char: string): string {
  return `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Job ids of batches start with this; an event id never does (it starts with a 43-character key). */
export const BATCH_JOB_PREFIX = 'batch-';

/**
 * The id of a job carrying several events: `batch-<sha256 of the sorted event ids>-<count>`, so
 * re-publishing the same events as one batch is a no-op, like an event's own job id.
 */
export function batchJobIdOf(eventIds: readonly string[]): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([...eventIds].sort()))
    .digest('hex');
  return `${BATCH_JOB_PREFIX}${digest}-${eventIds.length}`;
}
