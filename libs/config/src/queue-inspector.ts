import { BullMQInspector, CloudTasksInspector, type QueueInspector } from '@gaesession/queue';
import { cloudTasksEmulatorOptions } from './cloud-tasks-client.js';
import type { Config } from './config.js';

/**
 * A read-only view of the event queue the configuration names (for the admin CLI): BullMQ on the
 * queue's Redis, or the Cloud Tasks queue (the local emulator when CLOUD_TASKS_EMULATOR_HOST is
 * set).
 */
export function createQueueInspector(config: Config): QueueInspector {
  const { queue, projectId } = config;
  if (queue.backend === 'bullmq') {
    return new BullMQInspector({ connection: { ...queue.redis }, queueName: queue.name });
  }
  return new CloudTasksInspector({
    project: projectId,
    location: queue.cloudTasks.location,
    queue: queue.name,
    ...cloudTasksEmulatorOptions(queue.cloudTasks.emulatorHost),
  });
}
