import type { RoutingSpec } from './queue-spec.js';

/** HTTP methods Cloud Tasks can dispatch with. */
export type TaskMethod = 'POST' | 'GET' | 'HEAD' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS';

/** An App Engine HTTP target: a service of this app, reached by a path. */
export interface AppEngineTarget {
  kind: 'appEngine';
  method: TaskMethod;
  /** Path and query, starting with `/`. */
  relativeUri: string;
  headers: Record<string, string>;
  body: Buffer;
  routing: RoutingSpec;
}

/** A plain HTTP target: any URL (no OAuth/OIDC tokens are attached). */
export interface HttpTarget {
  kind: 'http';
  method: TaskMethod;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

export type TaskTarget = AppEngineTarget | HttpTarget;

/** One dispatch attempt, as GetTask reports it in first/last attempt. */
export interface AttemptRecord {
  scheduleTimeMs: number;
  dispatchTimeMs: number;
  responseTimeMs?: number;
  /** google.rpc.Status of the outcome (code 0 on 2xx). */
  status?: { code: number; message: string };
}

/** A task held by the emulator. Times are epoch milliseconds. */
export interface TaskState {
  /** Full resource name: `projects/…/queues/q/tasks/{id}`. */
  readonly name: string;
  readonly id: string;
  readonly target: TaskTarget;
  readonly createTimeMs: number;
  /** The task's own dispatch deadline in ms; unset: the emulator's default. */
  readonly dispatchDeadlineMs?: number;
  /** When the next attempt is due (moves forward on each retry). */
  scheduleTimeMs: number;
  /** Attempts made so far. */
  dispatchCount: number;
  /** Attempts that got an HTTP response. */
  responseCount: number;
  /** Attempts that got a response other than 503 (App Engine's "execution phase"). */
  executionCount: number;
  /** HTTP status of the latest response, for X-AppEngine-TaskPreviousResponse. */
  previousResponse?: number;
  firstAttempt?: AttemptRecord;
  lastAttempt?: AttemptRecord;
}
