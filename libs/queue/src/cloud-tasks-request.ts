import { createHash } from 'node:crypto';
import { ENCODING_HEADER, type SessionEvent } from '@gaesession/events';
import type { protos } from '@google-cloud/tasks';
import { packEvents, type EncodedBatch } from './pack-events.js';

export { packEvents, type EncodedBatch };

type CreateTaskRequest = protos.google.cloud.tasks.v2.ICreateTaskRequest;

/** Cloud Tasks task ids: letters, digits, hyphens and underscores, at most 500 characters. */
export const TASK_ID_MAX_LENGTH = 500;

/** Where the tasks of a publisher go. */
export interface TaskTarget {
  /** `projects/<project>/locations/<location>/queues/<queue>` */
  readonly queuePath: string;
  /** App Engine service that receives the tasks. */
  readonly service: string;
  /** Path (and query) the tasks are POSTed to. */
  readonly relativeUri: string;
  /** Extra request headers, e.g. a shared secret for off-App Engine deployments. */
  readonly headers: Readonly<Record<string, string>>;
  /** Largest task body in bytes. */
  readonly maxTaskBytes: number;
}

export function queuePath(project: string, location: string, queue: string): string {
  return `projects/${project}/locations/${location}/queues/${queue}`;
}

/**
 * A deterministic task id, so re-creating the same task is refused as ALREADY_EXISTS.
 * Hash-prefixed, because Google warns that sequential names slow the queue down: one event gives
 * `<8 hex of sha256(id)>-<id with unsafe characters as _>`, a batch gives
 * `<sha256 of its sorted ids>-batch-<count>`.
 */
export function taskIdOf(events: readonly SessionEvent[]): string {
  const [first, ...rest] = events;
  if (first === undefined) throw new RangeError('a task carries at least one event');
  if (rest.length === 0) {
    const id = `${sha256(first.id).slice(0, 8)}-${first.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    return id.slice(0, TASK_ID_MAX_LENGTH);
  }
  const ids = events.map((event) => event.id).sort();
  return `${sha256(JSON.stringify(ids))}-batch-${events.length}`;
}

/** The CreateTask request for one batch: an App Engine POST to the target service. */
export function taskRequest(target: TaskTarget, batch: EncodedBatch): CreateTaskRequest {
  const gzipped = batch.body[0] === 0x1f;
  return {
    parent: target.queuePath,
    task: {
      name: `${target.queuePath}/tasks/${taskIdOf(batch.events)}`,
      appEngineHttpRequest: {
        httpMethod: 'POST',
        appEngineRouting: { service: target.service },
        relativeUri: target.relativeUri,
        headers: {
          ...withoutContentHeaders(target.headers),
          ...(gzipped
            ? { 'Content-Type': 'application/octet-stream', [ENCODING_HEADER]: 'gzip' }
            : { 'Content-Type': 'application/json' }),
        },
        body: batch.body,
      },
    },
  };
}

/** All CreateTask requests for `events`; throws `EventTooLargeError` before any is sent. */
export function taskRequests(target: TaskTarget, events: readonly SessionEvent[]): CreateTaskRequest[] {
  return packEvents(events, target.maxTaskBytes).map((batch) => taskRequest(target, batch));
}

/** Extra headers minus the ones describing the body, which only the body decides. */
function withoutContentHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const content = new Set(['content-type', ENCODING_HEADER.toLowerCase()]);
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !content.has(name.toLowerCase())));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
