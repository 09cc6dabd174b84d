export {
  BULLMQ_PUBLISHER_DEFAULTS,
  BullMQPublisher,
  EVENT_JOB_NAME,
  type BullMQPublisherOptions,
  type EventJobData,
} from './bullmq-publisher.js';
export {
  CONSUMER_DEFAULTS,
  consumeEvents,
  startConsumer,
  type Consumer,
  type StartingConsumer,
  type ConsumerOptions,
  type EventHandler,
  type ReceivedEvents,
} from './bullmq-consumer.js';
export {
  CLOUD_TASKS_PUBLISHER_DEFAULTS,
  CloudTasksPublisher,
  type CloudTasksClientOptions,
  type CloudTasksPublisherOptions,
} from './cloud-tasks-publisher.js';
export { QueueUnavailableError, type QueueErrorCode } from './errors.js';
export { GROUPING_PUBLISHER_DEFAULTS, GroupingPublisher, type GroupingPublisherOptions } from './grouping-publisher.js';
export { jobIdOf } from './job-id.js';
export type { EventPublisher } from './publisher.js';
export { PRODUCER_REDIS_OPTIONS, type RedisConnection } from './redis-connection.js';
export {
  REPEATING_JOB_DEFAULTS,
  scheduleRepeatingJob,
  startRepeatingJob,
  type RepeatingJobOptions,
} from './repeating-job.js';
export {
  BullMQInspector,
  CloudTasksInspector,
  type BullMQInspectorOptions,
  type CloudTasksInspectorOptions,
  type PendingEvent,
  type QueueDepth,
  type QueueInspector,
} from './queue-inspector.js';
