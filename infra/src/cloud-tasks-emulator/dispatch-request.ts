import type { RoutingSpec } from './queue-spec.js';
import type { AppEngineTarget, TaskState } from './task-state.js';

/** One HTTP request as it goes to the target. */
export interface OutgoingRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** What the queue knows about the attempt being made. */
export interface AttemptContext {
  /** Short queue id. */
  queueId: string;
  /** The queue's routing override, which wins over the task's own routing. */
  routingOverride?: RoutingSpec;
  /** Service name (or `version.service`) → base URL, e.g. `{ worker: 'http://127.0.0.1:8090' }`. */
  targets: Readonly<Record<string, string>>;
}

const APP_ENGINE_AGENT = 'AppEngine-Google; (+http://code.google.com/appengine)';
const CLOUD_TASKS_AGENT = 'Google-Cloud-Tasks';

/**
 * The base URL for an App Engine routing, as App Engine resolves it: `version.service` if mapped,
 * else the service, else `default` (App Engine sends tasks for an unknown service there).
 */
export function resolveTarget(routing: RoutingSpec, targets: Readonly<Record<string, string>>): string | undefined {
  const service = routing.service ?? 'default';
  const candidates = [routing.version === undefined ? undefined : `${routing.version}.${service}`, service, 'default'];
  for (const key of candidates) if (key !== undefined && Object.hasOwn(targets, key)) return targets[key];
  return undefined;
}

function withDefaults(headers: Record<string, string>, body: Buffer, agent: string): Record<string, string> {
  const result: Record<string, string> = {};
  let userAgent: string | undefined;
  let hasContentType = false;
  for (const [key, value] of Object.entries(headers)) {
    const lower = key.toLowerCase();
    if (lower === 'user-agent') userAgent = value;
    else result[key] = value;
    if (lower === 'content-type') hasContentType = true;
  }
  // Cloud Tasks appends its agent to a task's own User-Agent rather than replacing it.
  result['User-Agent'] = userAgent === undefined ? agent : `${userAgent} ${agent}`;
  if (body.length > 0 && !hasContentType) result['Content-Type'] = 'application/octet-stream';
  return result;
}

function taskHeaders(prefix: string, task: TaskState, queueId: string): Record<string, string> {
  const headers: Record<string, string> = {
    [`${prefix}-QueueName`]: queueId,
    [`${prefix}-TaskName`]: task.id,
    [`${prefix}-TaskRetryCount`]: String(task.dispatchCount),
    [`${prefix}-TaskExecutionCount`]: String(task.executionCount),
    [`${prefix}-TaskETA`]: (task.scheduleTimeMs / 1000).toFixed(6),
  };
  if (task.previousResponse !== undefined) headers[`${prefix}-TaskPreviousResponse`] = String(task.previousResponse);
  return headers;
}

function appEngineUrl(target: AppEngineTarget, context: AttemptContext): string | undefined {
  const routing = { ...target.routing, ...context.routingOverride };
  const base = resolveTarget(routing, context.targets);
  return base === undefined ? undefined : base.replace(/\/+$/, '') + target.relativeUri;
}

/**
 * The request for the task's next attempt, with the headers the platform adds: X-AppEngine-*
 * for App Engine targets, X-CloudTasks-* for plain HTTP targets. Counts are those before this
 * attempt, so the first attempt carries TaskRetryCount 0.
 *
 * @returns the request, or a reason when no target URL is configured for the task's service.
 */
export function buildRequest(task: TaskState, context: AttemptContext): OutgoingRequest | { error: string } {
  const { target } = task;
  if (target.kind === 'http') {
    const headers = {
      ...withDefaults(target.headers, target.body, CLOUD_TASKS_AGENT),
      ...taskHeaders('X-CloudTasks', task, context.queueId),
    };
    return { url: target.url, method: target.method, headers, body: target.body };
  }
  const url = appEngineUrl(target, context);
  if (url === undefined) {
    const service = context.routingOverride?.service ?? target.routing.service ?? 'default';
    return { error: `no target URL configured for App Engine service "${service}" (nor for "default")` };
  }
  const headers = {
    ...withDefaults(target.headers, target.body, APP_ENGINE_AGENT),
    ...taskHeaders('X-AppEngine', task, context.queueId),
  };
  return { url, method: target.method, headers, body: target.body };
}
