import type { IncomingHttpHeaders } from 'node:http';
import { ENCODING_HEADER, InvalidEventError } from '@gaesession/events';

/** Where a task push stands in its retries, from the headers Cloud Tasks sets. */
export interface TaskAttempt {
  /** This attempt, from 1 (`X-AppEngine-TaskRetryCount` + 1). */
  readonly attempt: number;
  /** True when the queue will not retry after this attempt: retry count ≥ the retry limit. */
  readonly lastAttempt: boolean;
  /** `cloud-tasks:<queue>/<task name>`, for dead letters and logs. */
  readonly source: string;
}

/**
 * Reads the retry count App Engine tasks carry (`X-AppEngine-TaskRetryCount`, 0 on the first
 * attempt), or that HTTP-target tasks carry (`X-CloudTasks-TaskRetryCount`). A request without
 * one (a manual call with the shared secret) counts as a first attempt. `retryLimit` is
 * queue.yaml's `task_retry_limit` (TASK_RETRY_LIMIT): the attempt with that many retries is the last.
 */
export function taskAttempt(headers: IncomingHttpHeaders, retryLimit: number, queueName: string): TaskAttempt {
  const retries = count(headers['x-appengine-taskretrycount'] ?? headers['x-cloudtasks-taskretrycount']);
  const queue = text(headers['x-appengine-queuename'] ?? headers['x-cloudtasks-queuename']) ?? queueName;
  const task = text(headers['x-appengine-taskname'] ?? headers['x-cloudtasks-taskname']) ?? 'unnamed';
  return { attempt: retries + 1, lastAttempt: retries >= retryLimit, source: `cloud-tasks:${queue}/${task}` };
}

/**
 * A body whose bytes contradict its `X-Gaesession-Encoding` header (the publisher sets `gzip` on
 * gzipped bodies), as the error to dead-letter it with; undefined when they agree. Without the
 * header the body may still be gzip: `decodeBatch` sniffs the magic bytes.
 */
export function encodingMismatch(headers: IncomingHttpHeaders, body: Buffer): InvalidEventError | undefined {
  const encoding = text(headers[ENCODING_HEADER.toLowerCase()])?.toLowerCase();
  if (encoding === undefined) return undefined;
  if (encoding !== 'gzip') return new InvalidEventError(`${ENCODING_HEADER}: unknown encoding "${encoding}"`);
  return body[0] === 0x1f && body[1] === 0x8b
    ? undefined
    : new InvalidEventError(`${ENCODING_HEADER} says gzip, but the body is not gzip`);
}

function count(value: string | string[] | undefined): number {
  const parsed = Number(text(value));
  return Number.isSafeInteger(parsed) && parsed >= 0 ? parsed : 0;
}

function text(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
