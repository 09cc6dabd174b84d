import { randomBytes } from 'node:crypto';

/** The parts of `projects/{project}/locations/{location}/queues/{queue}`. */
export interface QueueName {
  project: string;
  location: string;
  queue: string;
}

const SEGMENT = '([A-Za-z0-9._:~-]+)';
const LOCATION_RE = new RegExp(`^projects/${SEGMENT}/locations/${SEGMENT}$`);
const QUEUE_RE = new RegExp(`^projects/${SEGMENT}/locations/${SEGMENT}/queues/([A-Za-z0-9-]{1,100})$`);
const TASK_RE = new RegExp(`^(projects/${SEGMENT}/locations/${SEGMENT}/queues/[A-Za-z0-9-]{1,100})/tasks/(.*)$`);
const TASK_ID_RE = /^[A-Za-z0-9_-]{1,500}$/;

/** `projects/p/locations/l` → its parts, or undefined when it is not a location name. */
export function parseLocationName(name: string): { project: string; location: string } | undefined {
  const match = LOCATION_RE.exec(name);
  return match === null ? undefined : { project: match[1] as string, location: match[2] as string };
}

export function parseQueueName(name: string): QueueName | undefined {
  const match = QUEUE_RE.exec(name);
  if (match === null) return undefined;
  return { project: match[1] as string, location: match[2] as string, queue: match[3] as string };
}

export function formatQueueName(parent: string, queueId: string): string {
  return `${parent}/queues/${queueId}`;
}

/**
 * `…/queues/q/tasks/t` → the queue's full name and the task id; undefined when the name is not
 * a task name or the id has characters Cloud Tasks rejects (only letters, digits, `_`, `-`).
 */
export function parseTaskName(name: string): { queueName: string; taskId: string } | undefined {
  const match = TASK_RE.exec(name);
  if (match === null) return undefined;
  const taskId = match[4] as string;
  return TASK_ID_RE.test(taskId) ? { queueName: match[1] as string, taskId } : undefined;
}

/** A server-chosen task id: 19 random decimal digits, as Cloud Tasks generates them. */
export function generateTaskId(): string {
  const value = randomBytes(8).readBigUInt64BE() % 10n ** 19n;
  return value.toString().padStart(19, '0');
}
