import { Redis } from 'ioredis';
import type { SessionEvent } from '@gaesession/events';
import { BullMQPublisher } from '@gaesession/queue';
import type { Services } from './services.js';

/** Jobs per `addBulk`: large enough to queue thousands in seconds, small enough for one round trip. */
const PUBLISH_CHUNK = 500;

/** Queues `events` as BullMQ jobs (one per event, as the web app's publisher does), then closes the publisher. */
export async function publishAll(
  services: Services,
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
export async function deleteQueue(services: Services, queueName: string): Promise<number> {
  const redis = new Redis({ ...services.redis, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `bull:${queueName}:*`, 'COUNT', 1000);
      if (keys.length > 0) deleted += await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}
