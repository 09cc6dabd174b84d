import { decodeBatch } from '@gaesession/events';
import { Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { BATCH_JOB_PREFIX } from './job-id.js';
import type { PendingEvent } from './queue-inspector.js';

const BATCH_JOB_ID = new RegExp(`^${BATCH_JOB_PREFIX}[0-9a-f]{64}-\\d+$`);

/**
 * The events of session `key` in the queue's batch jobs (a publish of several events is one job,
 * `batchJobIdOf`): each batch job still pending is read and decoded. Pending batches are few, the
 * queue draining them within moments; this is for operators, never on a request path.
 */
export async function pendingInBatches(
  client: Redis,
  queue: Queue,
  base: string,
  key: string,
  globEscape: (text: string) => string,
): Promise<PendingEvent[]> {
  const ids = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${globEscape(base + BATCH_JOB_PREFIX)}*`, 'COUNT', 1000);
    cursor = next;
    for (const redisKey of keys) {
      const id = redisKey.slice(base.length);
      if (BATCH_JOB_ID.test(id)) ids.add(id);
    }
  } while (cursor !== '0');
  const found = await Promise.all([...ids].map((id) => eventsOfJob(queue, id, key)));
  return found.flat();
}

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
