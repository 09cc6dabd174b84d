import type { CloudTasksClient } from '@google-cloud/tasks';
import { eventually, uniqueName } from '@gaesession/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloudTasksEmulator, type CloudTasksEmulator } from './emulator.js';
import { parseQueueYaml } from './queue-yaml.js';
import { startTestTarget, tasksClient, type TestTarget } from './test-target.fixture.js';

const GRPC = { ALREADY_EXISTS: 6, INVALID_ARGUMENT: 3, NOT_FOUND: 5, UNIMPLEMENTED: 12 };
const HOUR_S = 3600;
const REUSE_WINDOW_MS = 3_600_000;
/** How far the emulator's name-reuse clock runs ahead of the real one: tests move it, never wait. */
let clockAheadMs = 0;

let target: TestTarget;
let emulator: CloudTasksEmulator;
let client: CloudTasksClient;
const location = `projects/${uniqueName('ct-service')}/locations/us-central1`;
const queuePath = (id: string) => `${location}/queues/${id}`;
const later = () => ({ seconds: Math.floor(Date.now() / 1000) + HOUR_S });

function appEngineTask(queue: string, id?: string, body = 'event-batch') {
  return {
    ...(id === undefined ? {} : { name: `${queuePath(queue)}/tasks/${id}` }),
    appEngineHttpRequest: { relativeUri: '/tasks/session-events', body: Buffer.from(body) },
  };
}

beforeAll(async () => {
  target = await startTestTarget();
  emulator = await startCloudTasksEmulator({
    port: 0,
    queues: parseQueueYaml('queue:\n- name: events\n  rate: 100/s\n').queues,
    targets: { default: target.url },
    taskNameReuseWindowMs: REUSE_WINDOW_MS,
    nameReuseClock: () => Date.now() + clockAheadMs,
    log: () => undefined,
  });
  client = tasksClient(emulator.port);
});

afterAll(async () => {
  await client.close();
  await emulator.close();
  await target.close();
});

describe('tasks: Get, List, Delete', () => {
  it('gets a task in BASIC (no body) and FULL views', async () => {
    const [created] = await client.createTask({
      parent: queuePath('events'),
      task: { ...appEngineTask('events'), scheduleTime: later() },
    });
    expect(created.name).toMatch(new RegExp(`^${queuePath('events')}/tasks/\\d{19}$`));
    expect(created).toMatchObject({ dispatchCount: 0, responseCount: 0, view: 'BASIC' });
    const [basic] = await client.getTask({ name: created.name! });
    expect(basic.appEngineHttpRequest).toMatchObject({ relativeUri: '/tasks/session-events', httpMethod: 'POST' });
    expect(basic.appEngineHttpRequest?.body?.length ?? 0).toBe(0);
    const [full] = await client.getTask({ name: created.name!, responseView: 'FULL' });
    expect(Buffer.from(full.appEngineHttpRequest!.body!).toString()).toBe('event-batch');
    expect(Number(full.scheduleTime?.seconds)).toBeGreaterThan(Date.now() / 1000 + HOUR_S - 10);
    expect(Number(full.createTime?.seconds)).toBeLessThanOrEqual(Date.now() / 1000);
  });

  it('lists tasks page by page, and deletes them', async () => {
    const queue = 'listed';
    await client.createQueue({ parent: location, queue: { name: queuePath(queue) } });
    const ids = ['a', 'b', 'c', 'd', 'e'];
    for (const id of ids)
      await client.createTask({
        parent: queuePath(queue),
        task: { ...appEngineTask(queue, id), scheduleTime: later() },
      });
    const [all] = await client.listTasks({ parent: queuePath(queue) });
    expect(all.map((task) => task.name!.split('/').at(-1))).toEqual(ids);
    const [firstPage, nextRequest] = await client.listTasks(
      { parent: queuePath(queue), pageSize: 2 },
      { autoPaginate: false },
    );
    expect(firstPage.map((task) => task.name!.split('/').at(-1))).toEqual(['a', 'b']);
    const [secondPage] = await client.listTasks(
      { ...nextRequest, parent: queuePath(queue), pageSize: 2 },
      { autoPaginate: false },
    );
    expect(secondPage.map((task) => task.name!.split('/').at(-1))).toEqual(['c', 'd']);

    await client.deleteTask({ name: `${queuePath(queue)}/tasks/c` });
    await expect(client.deleteTask({ name: `${queuePath(queue)}/tasks/c` })).rejects.toMatchObject({
      code: GRPC.NOT_FOUND,
    });
    await expect(client.getTask({ name: `${queuePath(queue)}/tasks/c` })).rejects.toMatchObject({
      code: GRPC.NOT_FOUND,
    });
    const [rest] = await client.listTasks({ parent: queuePath(queue) });
    expect(rest).toHaveLength(4);
  });
});

describe('task names', () => {
  it('refuses a duplicate name with ALREADY_EXISTS while the task exists, and within the window after', async () => {
    const name = `${queuePath('events')}/tasks/${uniqueName('dup')}`;
    const task = { ...appEngineTask('events'), name, scheduleTime: later() };
    await client.createTask({ parent: queuePath('events'), task });
    await expect(client.createTask({ parent: queuePath('events'), task })).rejects.toMatchObject({
      code: GRPC.ALREADY_EXISTS,
    });
    await client.deleteTask({ name });
    await expect(client.createTask({ parent: queuePath('events'), task })).rejects.toMatchObject({
      code: GRPC.ALREADY_EXISTS,
    });
    clockAheadMs += REUSE_WINDOW_MS - 60_000; // a minute before the window ends
    await expect(client.createTask({ parent: queuePath('events'), task })).rejects.toMatchObject({
      code: GRPC.ALREADY_EXISTS,
    });
    clockAheadMs += 60_000 + 1; // just past it
    const [again] = await client.createTask({ parent: queuePath('events'), task });
    expect(again.name).toBe(name);
    await client.deleteTask({ name });
  });

  it('keeps the name of a completed task taken', async () => {
    const id = uniqueName('done');
    const parent = queuePath('events');
    await client.createTask({ parent, task: appEngineTask('events', id) });
    await eventually(() => (target.received.some((r) => r.headers['x-appengine-taskname'] === id) ? true : undefined));
    await eventually(() =>
      client.getTask({ name: `${parent}/tasks/${id}` }).then(
        () => undefined,
        () => true,
      ),
    );
    await expect(client.createTask({ parent, task: appEngineTask('events', id) })).rejects.toMatchObject({
      code: GRPC.ALREADY_EXISTS,
    });
  });
});

describe('queues', () => {
  it('serves queue.yaml queues (and App Engine default) under any project and location', async () => {
    const [queue] = await client.getQueue({ name: queuePath('events') });
    expect(queue).toMatchObject({ name: queuePath('events'), state: 'RUNNING' });
    expect(queue.rateLimits).toMatchObject({
      maxDispatchesPerSecond: 100,
      maxBurstSize: 5,
      maxConcurrentDispatches: 1000,
    });
    expect(queue.retryConfig).toMatchObject({ maxAttempts: -1, maxDoublings: 16 });
    const [queues] = await client.listQueues({ parent: location });
    expect(queues.map((q) => q.name)).toEqual(expect.arrayContaining([queuePath('default'), queuePath('events')]));
  });

  it('creates queues through the API, once', async () => {
    const name = queuePath(uniqueName('api'));
    const [created] = await client.createQueue({
      parent: location,
      queue: { name, rateLimits: { maxDispatchesPerSecond: 3 }, retryConfig: { maxAttempts: 4 } },
    });
    expect(created.rateLimits).toMatchObject({ maxDispatchesPerSecond: 3, maxBurstSize: 3 });
    expect(created.retryConfig?.maxAttempts).toBe(4);
    const [fetched] = await client.getQueue({ name });
    expect(fetched.name).toBe(name);
    await expect(client.createQueue({ parent: location, queue: { name } })).rejects.toMatchObject({
      code: GRPC.ALREADY_EXISTS,
    });
    await expect(client.createQueue({ parent: location, queue: { name: queuePath('events') } })).rejects.toMatchObject({
      code: GRPC.ALREADY_EXISTS,
    });
  });
});

describe('errors and targets', () => {
  it('answers NOT_FOUND, INVALID_ARGUMENT and UNIMPLEMENTED where Cloud Tasks would', async () => {
    await expect(client.getQueue({ name: queuePath('missing') })).rejects.toMatchObject({ code: GRPC.NOT_FOUND });
    await expect(
      client.createTask({ parent: queuePath('missing'), task: appEngineTask('missing') }),
    ).rejects.toMatchObject({
      code: GRPC.NOT_FOUND,
    });
    await expect(client.createTask({ parent: queuePath('events'), task: {} })).rejects.toMatchObject({
      code: GRPC.INVALID_ARGUMENT,
    });
    await expect(
      client.createTask({ parent: queuePath('events'), task: appEngineTask('events', undefined, 'x'.repeat(110_000)) }),
    ).rejects.toMatchObject({ code: GRPC.INVALID_ARGUMENT });
    await expect(client.pauseQueue({ name: queuePath('events') })).rejects.toMatchObject({ code: GRPC.UNIMPLEMENTED });
  });

  it('dispatches plain HTTP targets with X-CloudTasks-* headers', async () => {
    const id = uniqueName('http');
    await client.createTask({
      parent: queuePath('events'),
      task: {
        name: `${queuePath('events')}/tasks/${id}`,
        httpRequest: { url: `${target.url}/hook?x=1`, httpMethod: 'PUT', body: Buffer.from('b') },
      },
    });
    const request = await eventually(() => target.received.find((r) => r.headers['x-cloudtasks-taskname'] === id));
    expect(request).toMatchObject({ method: 'PUT', path: '/hook?x=1', body: 'b' });
    expect(request.headers).toMatchObject({ 'x-cloudtasks-queuename': 'events', 'x-cloudtasks-taskretrycount': '0' });
  });

  it('counts what it did', () => {
    const stats = emulator.stats;
    expect(stats.tasksCreated).toBeGreaterThanOrEqual(9);
    expect(stats.succeeded).toBeGreaterThanOrEqual(2);
    expect(stats.deleted).toBeGreaterThanOrEqual(3);
  });
});
