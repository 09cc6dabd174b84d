import { toDuration, toTimestamp } from './proto-time.js';
import type { Attempt, TaskMessage, TaskView } from './proto-types.js';
import type { AttemptRecord, TaskState } from './task-state.js';

function attemptToProto(attempt: AttemptRecord): Attempt {
  const message: Attempt = {
    scheduleTime: toTimestamp(attempt.scheduleTimeMs),
    dispatchTime: toTimestamp(attempt.dispatchTimeMs),
  };
  if (attempt.responseTimeMs !== undefined) message.responseTime = toTimestamp(attempt.responseTimeMs);
  if (attempt.status !== undefined) message.responseStatus = attempt.status;
  return message;
}

/**
 * A task as CreateTask/GetTask/ListTasks answer it. The BASIC view (the default) leaves the body
 * out, as Cloud Tasks does; FULL includes it.
 */
export function taskToProto(task: TaskState, requestedView: TaskView | undefined): TaskMessage {
  const view: TaskView = requestedView === 'FULL' ? 'FULL' : 'BASIC';
  const { target } = task;
  const body = view === 'FULL' ? { body: target.body } : {};
  const message: TaskMessage = {
    name: task.name,
    scheduleTime: toTimestamp(task.scheduleTimeMs),
    createTime: toTimestamp(task.createTimeMs),
    dispatchCount: task.dispatchCount,
    responseCount: task.responseCount,
    view,
  };
  if (target.kind === 'appEngine') {
    message.appEngineHttpRequest = {
      httpMethod: target.method,
      appEngineRouting: { ...target.routing },
      relativeUri: target.relativeUri,
      headers: { ...target.headers },
      ...body,
    };
  } else {
    message.httpRequest = { url: target.url, httpMethod: target.method, headers: { ...target.headers }, ...body };
  }
  if (task.dispatchDeadlineMs !== undefined) message.dispatchDeadline = toDuration(task.dispatchDeadlineMs);
  // Cloud Tasks reports only the dispatch time of the first attempt.
  if (task.firstAttempt !== undefined)
    message.firstAttempt = { dispatchTime: toTimestamp(task.firstAttempt.dispatchTimeMs) };
  if (task.lastAttempt !== undefined) message.lastAttempt = attemptToProto(task.lastAttempt);
  return message;
}
