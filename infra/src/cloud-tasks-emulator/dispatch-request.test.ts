import { describe, expect, it } from 'vitest';
import { buildRequest, resolveTarget } from './dispatch-request.js';
import type { TaskState, TaskTarget } from './task-state.js';

const targets = {
  worker: 'http://127.0.0.1:8090/',
  default: 'http://127.0.0.1:8080',
  'v2.worker': 'http://127.0.0.1:8092',
};

function task(target: TaskTarget, counters: Partial<TaskState> = {}): TaskState {
  return {
    name: 'projects/p/locations/l/queues/q/tasks/t1',
    id: 't1',
    target,
    createTimeMs: 0,
    scheduleTimeMs: 1_700_000_000_250,
    dispatchCount: 0,
    responseCount: 0,
    executionCount: 0,
    ...counters,
  };
}

const appEngine = (overrides: Partial<Extract<TaskTarget, { kind: 'appEngine' }>> = {}): TaskTarget => ({
  kind: 'appEngine',
  method: 'POST',
  relativeUri: '/tasks/session-events',
  headers: {},
  body: Buffer.from('batch'),
  routing: { service: 'worker' },
  ...overrides,
});

describe('resolveTarget', () => {
  it('prefers version.service, then service, then default', () => {
    expect(resolveTarget({ service: 'worker', version: 'v2' }, targets)).toBe('http://127.0.0.1:8092');
    expect(resolveTarget({ service: 'worker', version: 'v3' }, targets)).toBe('http://127.0.0.1:8090/');
    expect(resolveTarget({ service: 'unknown' }, targets)).toBe('http://127.0.0.1:8080');
    expect(resolveTarget({}, targets)).toBe('http://127.0.0.1:8080');
    expect(resolveTarget({ service: 'x' }, {})).toBeUndefined();
  });
});

describe('buildRequest', () => {
  it('adds the App Engine task headers, counting from 0 on the first attempt', () => {
    const request = buildRequest(task(appEngine()), { queueId: 'session-events', targets });
    expect(request).toEqual({
      url: 'http://127.0.0.1:8090/tasks/session-events',
      method: 'POST',
      body: Buffer.from('batch'),
      headers: {
        'User-Agent': 'AppEngine-Google; (+http://code.google.com/appengine)',
        'Content-Type': 'application/octet-stream',
        'X-AppEngine-QueueName': 'session-events',
        'X-AppEngine-TaskName': 't1',
        'X-AppEngine-TaskRetryCount': '0',
        'X-AppEngine-TaskExecutionCount': '0',
        'X-AppEngine-TaskETA': '1700000000.250000',
      },
    });
  });

  it('reports retries, executions and the previous response; keeps the task content type', () => {
    const request = buildRequest(
      task(appEngine({ headers: { 'content-type': 'application/json', 'user-agent': 'mine/1' } }), {
        dispatchCount: 3,
        executionCount: 2,
        previousResponse: 500,
      }),
      { queueId: 'q', targets },
    );
    expect('headers' in request && request.headers).toMatchObject({
      'content-type': 'application/json',
      'User-Agent': 'mine/1 AppEngine-Google; (+http://code.google.com/appengine)',
      'X-AppEngine-TaskRetryCount': '3',
      'X-AppEngine-TaskExecutionCount': '2',
      'X-AppEngine-TaskPreviousResponse': '500',
    });
    expect('headers' in request && request.headers['Content-Type']).toBe(undefined);
  });

  it("lets the queue's routing override win over the task's routing", () => {
    const request = buildRequest(task(appEngine({ routing: { service: 'web' } })), {
      queueId: 'q',
      targets,
      routingOverride: { service: 'worker', version: 'v2' },
    });
    expect('url' in request && request.url).toBe('http://127.0.0.1:8092/tasks/session-events');
  });

  it('explains a missing target instead of guessing one', () => {
    expect(buildRequest(task(appEngine()), { queueId: 'q', targets: {} })).toEqual({
      error: 'no target URL configured for App Engine service "worker" (nor for "default")',
    });
  });

  it('uses X-CloudTasks-* headers for plain HTTP targets', () => {
    const request = buildRequest(
      task({ kind: 'http', method: 'PUT', url: 'http://127.0.0.1:9/x', headers: {}, body: Buffer.alloc(0) }),
      { queueId: 'q', targets: {} },
    );
    expect(request).toMatchObject({ url: 'http://127.0.0.1:9/x', method: 'PUT' });
    expect('headers' in request && request.headers).toEqual({
      'User-Agent': 'Google-Cloud-Tasks',
      'X-CloudTasks-QueueName': 'q',
      'X-CloudTasks-TaskName': 't1',
      'X-CloudTasks-TaskRetryCount': '0',
      'X-CloudTasks-TaskExecutionCount': '0',
      'X-CloudTasks-TaskETA': '1700000000.250000',
    });
  });
});
