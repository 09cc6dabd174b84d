import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { TaskMessage } from './proto-types.js';
import { RpcError } from './rpc-error.js';
import { taskFromProto } from './task-create.js';

const QUEUE = 'projects/p/locations/l/queues/q';
const NOW = 1_700_000_000_000;
const limits = { maxTaskSizeBytes: 1000 };

const appEngine = (request: TaskMessage['appEngineHttpRequest'], extra: TaskMessage = {}): TaskMessage => ({
  appEngineHttpRequest: request ?? {},
  messageType: 'appEngineHttpRequest',
  ...extra,
});

function rejection(message: TaskMessage): string {
  try {
    taskFromProto(message, QUEUE, NOW, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).grpcCode).toBe(status.INVALID_ARGUMENT);
    return (error as Error).message;
  }
  throw new Error('expected INVALID_ARGUMENT');
}

describe('taskFromProto', () => {
  it('fills Cloud Tasks defaults: POST, "/", now, a generated 19-digit id', () => {
    const task = taskFromProto(appEngine({}), QUEUE, NOW, limits);
    expect(task.id).toMatch(/^\d{19}$/);
    expect(task.name).toBe(`${QUEUE}/tasks/${task.id}`);
    expect(task.scheduleTimeMs).toBe(NOW);
    expect(task.target).toMatchObject({ kind: 'appEngine', method: 'POST', relativeUri: '/', routing: {} });
    expect(task.dispatchCount).toBe(0);
  });

  it('keeps a given name, routing, body and future schedule time', () => {
    const task = taskFromProto(
      appEngine(
        {
          relativeUri: '/tasks/x?a=1',
          body: Buffer.from('payload'),
          appEngineRouting: { service: 'worker', version: '' },
        },
        { name: `${QUEUE}/tasks/abc_1-2`, scheduleTime: { seconds: String(NOW / 1000 + 60), nanos: 0 } },
      ),
      QUEUE,
      NOW,
      limits,
    );
    expect(task.id).toBe('abc_1-2');
    expect(task.scheduleTimeMs).toBe(NOW + 60_000);
    expect(task.target).toMatchObject({ relativeUri: '/tasks/x?a=1', routing: { service: 'worker' } });
    expect(task.target.body.toString()).toBe('payload');
  });

  it('drops headers only the platform may set', () => {
    const task = taskFromProto(
      appEngine({ headers: { 'X-AppEngine-QueueName': 'forged', Host: 'h', 'x-google-foo': '1', 'X-Trace': 't' } }),
      QUEUE,
      NOW,
      limits,
    );
    expect(task.target.headers).toEqual({ 'X-Trace': 't' });
  });

  it('clamps a past schedule time to now', () => {
    expect(taskFromProto(appEngine({}, { scheduleTime: { seconds: '1' } }), QUEUE, NOW, limits).scheduleTimeMs).toBe(
      NOW,
    );
  });

  it('rejects what Cloud Tasks rejects', () => {
    expect(rejection({})).toContain('app_engine_http_request or an http_request');
    expect(rejection(appEngine({}, { name: 'projects/p/locations/l/queues/other/tasks/a' }))).toContain(
      'does not belong',
    );
    expect(rejection(appEngine({}, { name: `${QUEUE}/tasks/has.dot` }))).toContain('invalid task name');
    expect(rejection(appEngine({ relativeUri: 'no-slash' }))).toContain('must start with "/"');
    expect(rejection(appEngine({ httpMethod: 'GET', body: Buffer.from('x') }))).toContain(
      'body is allowed only with POST or PUT',
    );
    expect(rejection(appEngine({ body: Buffer.alloc(1001) }))).toContain('over the 1000-byte limit');
    expect(rejection(appEngine({}, { scheduleTime: { seconds: String(NOW / 1000 + 31 * 86_400) } }))).toContain(
      '30 days',
    );
    expect(rejection(appEngine({}, { dispatchDeadline: { seconds: '5' } }))).toContain(
      'between 15 seconds and 24 hours',
    );
    expect(rejection({ httpRequest: { url: 'ftp://x' }, messageType: 'httpRequest' })).toContain('http(s) URL');
  });

  it('accepts plain HTTP targets with PATCH bodies', () => {
    const task = taskFromProto(
      {
        httpRequest: { url: 'http://127.0.0.1:1/x', httpMethod: 'PATCH', body: Buffer.from('b') },
        messageType: 'httpRequest',
      },
      QUEUE,
      NOW,
      limits,
    );
    expect(task.target).toMatchObject({ kind: 'http', method: 'PATCH', url: 'http://127.0.0.1:1/x' });
  });
});
