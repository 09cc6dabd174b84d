import type { SessionEvent } from '@gaesession/events';
import { BullMQPublisher } from '@gaesession/queue';
import { deleteRedisKeys } from '../request/cleanup.js';
import type { ServiceAddresses } from '../services.js';

/** Jobs per `addBulk`: large enough to queue thousands in seconds, small enough for one round trip. */
const PUBLISH_CHUNK = 500;

/** Queues `events` as BullMQ jobs (one per event, as the web app's publisher does), then closes the publisher. */
export async function publishAll(
  services: ServiceAddresses,
  queueName: string,
  events: readonly SessionEvent[],
): Promise<void> {
  // A generous deadline: publishing is set-up here, not what is measured.
  const publisher = new BullMQPublisher({ connection: services.redis, queueName, timeoutMs: 30_000 });
  try {
    for (let start = 0; start < events.length; start += PUBLISH_CHUNK) {
      await publisher.publish(events.slice(start, start + PUBLISH_CHUNK));
    }
  } finally {
    await publisher.close();
  }
}

/** Deletes every Redis key of BullMQ queue `queueName` (default `bull` prefix) and returns how many. */
export function deleteQueue(services: ServiceAddresses, queueName: string): Promise<number> {
  return deleteRedisKeys(services, [`bull:${queueName}:*`]);
}
