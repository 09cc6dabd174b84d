import { generateTaskId, parseTaskName } from './names.js';
import { toMillis } from './proto-time.js';
import type { HttpMethod, TaskMessage } from './proto-types.js';
import type { RoutingSpec } from './queue-spec.js';
import { invalidArgument } from './rpc-error.js';
import type { TaskMethod, TaskState, TaskTarget } from './task-state.js';

/** Limits Cloud Tasks applies when a task is created. */
export interface CreateLimits {
  /** Largest task (body + headers + URI), in bytes. */
  maxTaskSizeBytes: number;
}

const MAX_SCHEDULE_AHEAD_MS = 30 * 86_400_000;
const MIN_DEADLINE_MS = 15_000;
const MAX_DEADLINE_MS = 86_400_000;
/** Headers the platform owns: a task cannot set them (App Engine strips X-AppEngine-* from outside requests). */
const RESERVED_HEADER = /^(host|content-length|x-appengine-.*|x-google-.*|x-cloudtasks-.*)$/i;

function method(value: HttpMethod | undefined): TaskMethod {
  return value === undefined || value === 'HTTP_METHOD_UNSPECIFIED' ? 'POST' : value;
}

function userHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([key]) => !RESERVED_HEADER.test(key)));
}

function checkBody(taskMethod: TaskMethod, body: Buffer, allowed: readonly TaskMethod[]): void {
  if (body.length > 0 && !allowed.includes(taskMethod))
    throw invalidArgument(`a request body is allowed only with ${allowed.join(' or ')}, not ${taskMethod}`);
}

function targetFromProto(message: TaskMessage): TaskTarget {
  if (message.messageType === 'appEngineHttpRequest' && message.appEngineHttpRequest !== undefined) {
    const request = message.appEngineHttpRequest;
    const taskMethod = method(request.httpMethod);
    const relativeUri = request.relativeUri || '/';
    if (!relativeUri.startsWith('/')) throw invalidArgument(`relative_uri must start with "/": ${relativeUri}`);
    const body = request.body ?? Buffer.alloc(0);
    checkBody(taskMethod, body, ['POST', 'PUT']);
    const routing: RoutingSpec = {};
    if (request.appEngineRouting?.service) routing.service = request.appEngineRouting.service;
    if (request.appEngineRouting?.version) routing.version = request.appEngineRouting.version;
    return { kind: 'appEngine', method: taskMethod, relativeUri, headers: userHeaders(request.headers), body, routing };
  }
  if (message.messageType === 'httpRequest' && message.httpRequest !== undefined) {
    const request = message.httpRequest;
    const taskMethod = method(request.httpMethod);
    const url = request.url ?? '';
    if (!/^https?:\/\/[^/]+/i.test(url)) throw invalidArgument(`http_request.url must be an http(s) URL: "${url}"`);
    const body = request.body ?? Buffer.alloc(0);
    checkBody(taskMethod, body, ['POST', 'PUT', 'PATCH']);
    return { kind: 'http', method: taskMethod, url, headers: userHeaders(request.headers), body };
  }
  throw invalidArgument('a task needs an app_engine_http_request or an http_request');
}

function targetSize(target: TaskTarget): number {
  const headers = Object.entries(target.headers).reduce((sum, [k, v]) => sum + k.length + v.length, 0);
  return target.body.length + headers + (target.kind === 'http' ? target.url.length : target.relativeUri.length);
}

function taskIdFor(message: TaskMessage, queueName: string): string {
  if (!message.name) return generateTaskId();
  const parsed = parseTaskName(message.name);
  if (parsed === undefined)
    throw invalidArgument(
      `invalid task name "${message.name}": the id takes letters, digits, "_" and "-" (at most 500)`,
    );
  if (parsed.queueName !== queueName)
    throw invalidArgument(`task name "${message.name}" does not belong to queue "${queueName}"`);
  return parsed.taskId;
}

/**
 * Validates a CreateTask request's task the way Cloud Tasks does and turns it into the
 * emulator's state. Reserved headers are dropped silently, as the platform does.
 *
 * @throws RpcError INVALID_ARGUMENT naming the offending field.
 */
export function taskFromProto(message: TaskMessage, queueName: string, nowMs: number, limits: CreateLimits): TaskState {
  const target = targetFromProto(message);
  const size = targetSize(target);
  if (size > limits.maxTaskSizeBytes)
    throw invalidArgument(`task size ${size} bytes is over the ${limits.maxTaskSizeBytes}-byte limit`);
  const scheduleTimeMs = message.scheduleTime === undefined ? nowMs : Math.max(nowMs, toMillis(message.scheduleTime));
  if (scheduleTimeMs > nowMs + MAX_SCHEDULE_AHEAD_MS)
    throw invalidArgument('schedule_time cannot be more than 30 days in the future');
  const id = taskIdFor(message, queueName);
  const task: TaskState = {
    name: `${queueName}/tasks/${id}`,
    id,
    target,
    createTimeMs: nowMs,
    scheduleTimeMs,
    dispatchCount: 0,
    responseCount: 0,
    executionCount: 0,
  };
  if (message.dispatchDeadline === undefined) return task;
  const deadline = toMillis(message.dispatchDeadline);
  if (deadline < MIN_DEADLINE_MS || deadline > MAX_DEADLINE_MS)
    throw invalidArgument('dispatch_deadline must be between 15 seconds and 24 hours');
  return { ...task, dispatchDeadlineMs: deadline };
}
