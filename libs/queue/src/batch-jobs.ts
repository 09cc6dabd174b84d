import { decodeBatch } from '@gaesession/events';
import { Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { BATCH_JOB_PREFIX } from './job-id.js';
import type { PendingEvent } from './queue-inspector.js';

const BATCH_JOB_ID = new RegExp(`^${BATCH_JOB_PREFIX}[0-9a-f]{64}-\\d+$`);

/** Escapes Redis glob characters (for SCAN MATCH). */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);
}

/**
 * The events of session `key` still in the queue (`base` is `<prefix>:<queue>:`, the start of
 * every job's hash key). A job of one event has the event id for its id, `<key>.<version>`
 * (job-id.ts); a publish of several events is one batch job (`batchJobIdOf`), read and decoded.
 * Pending jobs are few, the queue draining them within moments; this is for operators, never on a
 * request path.
 */
export async function pendingEventsOf(client: Redis, queue: Queue, base: string, key: string): Promise<PendingEvent[]> {
  const single = new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\d+$`);
  const [singleIds, batchIds] = await Promise.all([
    scanJobIds(client, base, `${globEscape(key)}.*`, single),
    scanJobIds(client, base, `${globEscape(BATCH_JOB_PREFIX)}*`, BATCH_JOB_ID),
  ]);
  const found = await Promise.all([...singleIds, ...batchIds].map((id) => eventsOfJob(queue, id, key)));
  return found.flat().sort((a, b) => a.version - b.version);
}

/** The ids of the jobs whose hash is `<base><id>` with `id` matching `idGlob` and `accept`. */
async function scanJobIds(client: Redis, base: string, idGlob: string, accept: RegExp): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${globEscape(base)}${idGlob}`, 'COUNT', 1000);
    cursor = next;
    for (const redisKey of keys) {
      const id = redisKey.slice(base.length);
      if (accept.test(id)) ids.add(id);
    }
  } while (cursor !== '0');
  return ids;
}

/** The events of session `key` in job `id`, unless it is done (or gone) meanwhile. */
async function eventsOfJob(queue: Queue, id: string, key: string): Promise<PendingEvent[]> {
  const job = await Job.fromId<{ payload?: unknown }>(queue, id);
  if (job === undefined || typeof job.data.payload !== 'string') return [];
  const state = await job.getState();
  if (state === 'completed' || state === 'unknown') return [];
  let items: unknown[];
  try {
    items = decodeBatch(job.data.payload);
  } catch {
    return []; // the worker dead-letters what it cannot decode
  }
  return items.flatMap((item) => {
    const event = item as { id?: unknown; key?: unknown; version?: unknown };
    if (event.key !== key || typeof event.id !== 'string' || typeof event.version !== 'number') return [];
    return [
      {
        id: event.id,
        version: event.version,
        state,
        attempts: job.attemptsMade,
        enqueuedAt: job.timestamp,
        lastError: job.failedReason === '' ? undefined : job.failedReason,
      },
    ];
  });
}
