import type { SessionEvent } from '@gaesession/events';
import { BullMQPublisher } from '@gaesession/queue';
import { deleteRedisKeys } from '../request/cleanup.js';
import type { ServiceAddresses } from '../services.js';

/** Publishes in flight at once: enough to queue thousands of jobs in seconds. */
const PUBLISH_CHUNK = 500;

/**
 * Queues `events` as BullMQ jobs, one per event (the web app's publisher puts the events of one
 * publish in one job; one event per job is the worker's worst case, and what the seed did), then
 * closes the publisher.
 */
export async function publishAll(
  services: ServiceAddresses,
  queueName: string,
  events: readonly SessionEvent[],
): Promise<void> {
  // A generous deadline: publishing is set-up here, not what is measured.
  const publisher = new BullMQPublisher({ connection: services.redis, queueName, timeoutMs: 30_000 });
  try {
    for (let start = 0; start < events.length; start += PUBLISH_CHUNK) {
      await Promise.all(events.slice(start, start + PUBLISH_CHUNK).map((event) => publisher.publish([event])));
    }
  } finally {
    await publisher.close();
  }
}

/** Deletes every Redis key of BullMQ queue `queueName` (default `bull` prefix) and returns how many. */
export function deleteQueue(services: ServiceAddresses, queueName: string): Promise<number> {
  return deleteRedisKeys(services, [`bull:${queueName}:*`]);
}
