export { BullMQPublisher, EVENT_JOB_NAME, type BullMQPublisherOptions, type EventJobData } from './bullmq-publisher.js';
export {
  consumeEvents,
  type Consumer,
  type ConsumerOptions,
  type EventHandler,
  type ReceivedEvents,
} from './bullmq-consumer.js';
export {
  CloudTasksPublisher,
  type CloudTasksClientOptions,
  type CloudTasksPublisherOptions,
} from './cloud-tasks-publisher.js';
export { QueueUnavailableError } from './errors.js';
export { GroupingPublisher, type GroupingPublisherOptions } from './grouping-publisher.js';
export { jobIdOf } from './job-id.js';
export type { EventPublisher } from './publisher.js';
export { PRODUCER_REDIS_OPTIONS, type RedisConnection } from './redis-connection.js';
export { scheduleRepeatingJob, type RepeatingJobOptions } from './repeating-job.js';
