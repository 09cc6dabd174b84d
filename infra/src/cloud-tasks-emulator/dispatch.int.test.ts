import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CloudTasksClient } from '@google-cloud/tasks';
import { eventually, uniqueName } from '@gaesession/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloudTasksEmulator, type CloudTasksEmulator } from './emulator.js';
import type { EmulatorLogEntry } from './observe.js';
import { startTestTarget, tasksClient, type ReceivedRequest, type TestTarget } from './test-target.fixture.js';

// Tiny backoffs keep retries in the tens of milliseconds.
const QUEUE_YAML = `
queue:
- name: fast
  rate: 100/s
  bucket_size: 20
  retry_parameters:
    min_backoff_seconds: 0.05
    max_backoff_seconds: 0.4
    max_doublings: 2
- name: limited
  rate: 100/s
  retry_parameters:
    task_retry_limit: 2
    min_backoff_seconds: 0.02
    max_backoff_seconds: 0.02
- name: patient
  rate: 100/s
  retry_parameters:
    min_backoff_seconds: 30
- name: throttled
  rate: 10/s
  bucket_size: 2
- name: single
  rate: 100/s
  max_concurrent_requests: 1
`;

/** Per-test answers, keyed by the X-Test-Case header the test puts on its tasks. */
const answers = new Map<string, (request: ReceivedRequest) => number | Promise<number>>();
let target: TestTarget;
let emulator: CloudTasksEmulator;
let client: CloudTasksClient;
let dir: string;
const logs: EmulatorLogEntry[] = [];
const project = uniqueName('ct-dispatch');
const queuePath = (id: string) => `projects/${project}/locations/us-central1/queues/${id}`;

const timestamp = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

function requestsOf(testCase: string): ReceivedRequest[] {
  return target.received.filter((request) => request.headers['x-test-case'] === testCase);
}

async function createTask(
  queue: string,
  testCase: string,
  extra: { name?: string; service?: string; delayMs?: number } = {},
) {
  const [task] = await client.createTask({
    parent: queuePath(queue),
    task: {
      ...(extra.name === undefined ? {} : { name: `${queuePath(queue)}/tasks/${extra.name}` }),
      ...(extra.delayMs === undefined ? {} : { scheduleTime: timestamp(Date.now() + extra.delayMs) }),
      appEngineHttpRequest: {
        httpMethod: 'POST',
        relativeUri: '/tasks/session-events',
        appEngineRouting: { service: extra.service ?? 'worker' },
        headers: { 'Content-Type': 'application/json', 'X-Test-Case': testCase },
        body: Buffer.from(JSON.stringify({ testCase })),
      },
    },
  });
  return task;
}

beforeAll(async () => {
  target = await startTestTarget((request) => answers.get(String(request.headers['x-test-case']))?.(request) ?? 200);
  dir = await mkdtemp(join(tmpdir(), 'ct-emulator-'));
  await writeFile(join(dir, 'queue.yaml'), QUEUE_YAML);
  emulator = await startCloudTasksEmulator({
    port: 0,
    queueYaml: join(dir, 'queue.yaml'),
    // "dead" points at a port nothing listens on: every attempt is a connection error.
    targets: { worker: target.url, dead: 'http://127.0.0.1:1' },
    log: (entry) => logs.push(entry),
  });
  client = tasksClient(emulator.port);
});

afterAll(async () => {
  await client.close();
  await emulator.close();
  await target.close();
  await rm(dir, { recursive: true, force: true });
});

describe('dispatch to App Engine targets', () => {
  it('POSTs the body to service + relative URI with every X-AppEngine-* header, then deletes the task', async () => {
    const before = Date.now() / 1000;
    const task = await createTask('fast', 'delivery', { name: uniqueName('deliver') });
    const [request] = await eventually(() => (requestsOf('delivery').length > 0 ? requestsOf('delivery') : undefined));
    expect(request).toMatchObject({ method: 'POST', path: '/tasks/session-events', body: '{"testCase":"delivery"}' });
    const headers = request!.headers;
    expect(headers['content-type']).toBe('application/json');
    expect(headers['user-agent']).toContain('AppEngine-Google');
    expect(headers['x-appengine-queuename']).toBe('fast');
    expect(headers['x-appengine-taskname']).toBe(task.name!.split('/').at(-1));
    expect(headers['x-appengine-taskretrycount']).toBe('0');
    expect(headers['x-appengine-taskexecutioncount']).toBe('0');
    expect(headers['x-appengine-taskpreviousresponse']).toBeUndefined();
    const eta = Number(headers['x-appengine-tasketa']);
    expect(eta).toBeGreaterThanOrEqual(Math.floor(before));
    expect(eta).toBeLessThanOrEqual(Date.now() / 1000);
    // Completed tasks are deleted.
    await eventually(() =>
      client.getTask({ name: task.name! }).then(
        () => undefined,
        () => true,
      ),
    );
    await expect(client.getTask({ name: task.name! })).rejects.toMatchObject({ code: 5 });
  });

  it('retries a 500 with growing TaskRetryCount and backoff, then succeeds', async () => {
    answers.set('flaky', (request) => (request.headers['x-appengine-taskretrycount'] === '3' ? 200 : 500));
    const task = await createTask('fast', 'flaky');
    const requests = await eventually(() => (requestsOf('flaky').length >= 4 ? requestsOf('flaky') : undefined));
    expect(requests.map((r) => r.headers['x-appengine-taskretrycount'])).toEqual(['0', '1', '2', '3']);
    expect(requests.map((r) => r.headers['x-appengine-taskexecutioncount'])).toEqual(['0', '1', '2', '3']);
    expect(requests.slice(1).map((r) => r.headers['x-appengine-taskpreviousresponse'])).toEqual(['500', '500', '500']);
    // min 50 ms doubling: 50, 100, 200 ms. Timers never fire early, so lower bounds hold on any machine.
    const gaps = requests.slice(1).map((r, i) => r.at - requests[i]!.at);
    [50, 100, 200].forEach((expected, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(expected - 5);
    });
    // The 200 completed the task: once it is gone, nothing can dispatch it again.
    await eventually(() =>
      client.getTask({ name: task.name! }).then(
        () => undefined,
        (error: unknown) => ((error as { code?: number }).code === 5 ? true : undefined),
      ),
    );
    expect(requestsOf('flaky')).toHaveLength(4);
  });

  it('drops a task once task_retry_limit retries have failed, and logs it', async () => {
    // Connection errors count like error answers.
    const task = await createTask('limited', 'dropped', { service: 'dead' });
    const id = task.name!.split('/').at(-1);
    const drop = await eventually(() => logs.find((entry) => entry.event === 'task.dropped' && entry.task === id));
    expect(drop).toMatchObject({ level: 'warn', queue: queuePath('limited') });
    expect(drop.message).toContain('after 3 attempt(s)');
    await expect(client.getTask({ name: task.name! })).rejects.toMatchObject({ code: 5 });
    expect(logs.filter((entry) => entry.task === id && entry.event === 'attempt.failed')).toHaveLength(2);
    expect(emulator.stats.dropped).toBeGreaterThanOrEqual(1);
  });

  it('reports attempts on GetTask and moves scheduleTime to the retry', async () => {
    answers.set('observed', () => 500);
    const task = await createTask('patient', 'observed');
    await eventually(() => (requestsOf('observed').length === 1 ? true : undefined));
    const [seen] = await eventually(async () => {
      const answer = await client.getTask({ name: task.name! });
      return answer[0].dispatchCount === 1 ? answer : undefined;
    });
    expect(seen.responseCount).toBe(1);
    expect(Number(seen.firstAttempt?.dispatchTime?.seconds)).toBeGreaterThan(0);
    expect(seen.lastAttempt?.responseStatus).toMatchObject({ code: 13, message: 'HTTP status code 500' });
    expect(Number(seen.scheduleTime?.seconds) - Date.now() / 1000).toBeGreaterThan(25);
    await client.deleteTask({ name: task.name! });
    await expect(client.getTask({ name: task.name! })).rejects.toMatchObject({ code: 5 });
  });

  it('honours scheduleTime', async () => {
    const task = await createTask('fast', 'later', { delayMs: 1000 });
    const scheduledMs = Number(task.scheduleTime!.seconds) * 1000 + Math.floor((task.scheduleTime!.nanos ?? 0) / 1e6);
    const [request] = await eventually(() => (requestsOf('later').length > 0 ? requestsOf('later') : undefined));
    // Not before its time, however long the create took (Date.now() is whole milliseconds).
    expect(request!.at).toBeGreaterThanOrEqual(scheduledMs - 1);
    expect(requestsOf('later')).toHaveLength(1);
  });

  it("keeps to the queue's rate and bucket size", async () => {
    const start = Date.now();
    await Promise.all(Array.from({ length: 8 }, () => createTask('throttled', 'rate')));
    const all = await eventually(() => (requestsOf('rate').length === 8 ? requestsOf('rate') : undefined));
    // The bucket (2 tokens, full when the queue first appears, after start) lets 2 go at once;
    // each later one waits for a token at 10/s: the k-th (from 0) cannot arrive before
    // (k - 1) * 100 ms after start, however slowly the machine runs.
    const arrivals = all.map((request) => request.at - start).sort((a, b) => a - b);
    arrivals.forEach((ms, k) => {
      expect(ms).toBeGreaterThanOrEqual(Math.max(0, (k - 1) * 100) - 2);
    });
  });

  it('keeps to max_concurrent_requests', async () => {
    answers.set('serial', () => sleep(40).then(() => 200));
    await Promise.all(Array.from({ length: 4 }, () => createTask('single', 'serial')));
    const all = await eventually(() => (requestsOf('serial').length === 4 ? requestsOf('serial') : undefined));
    // Each answer takes 40 ms; with one request at a time the next cannot arrive sooner.
    const gaps = all.slice(1).map((r, i) => r.at - all[i]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(35);
  });
});
