import { Datastore } from '@google-cloud/datastore';
import { DatastoreRepository } from '@gaesession/persistence';
import { Cleanup } from '@gaesession/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { liveEvent, newKey, SECRET, startTestWorker, type TestWorker } from './worker.fixture.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());
const worker = cleanup.tracking(startTestWorker);

/** A raw request, without the fixture's secret. */
function call(test: TestWorker, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${test.worker.url}${path}`, init);
}

function pushInit(body: string, headers: Record<string, string>): RequestInit {
  return { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } };
}

/** Nothing was applied or dead-lettered in the worker's namespace. */
async function expectUntouched(test: TestWorker, keys: readonly string[]): Promise<void> {
  for (const key of keys) expect(await test.worker.services.repository.load(key)).toBeUndefined();
  expect(await test.worker.services.deadLetters.list()).toEqual([]);
  expect(await test.metric('gaesession_worker_events_applied_total')).toBe(0);
}

describe('task and cron endpoints off App Engine', () => {
  it('refuse calls without the secret, with a wrong one, or with spoofed App Engine headers: 403, nothing applied', async () => {
    const test = await worker('auth-off');
    const key = newKey();
    const body = JSON.stringify([liveEvent(key, 1, {})]);
    const spoofed = {
      'X-AppEngine-QueueName': test.config.queue.name,
      'X-AppEngine-TaskName': 'spoof',
      'X-AppEngine-TaskRetryCount': '99',
    };
    for (const headers of [{}, { 'X-Worker-Secret': 'wrong' }, spoofed]) {
      const response = await call(test, '/tasks/session-events', pushInit(body, headers));
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: 'WORKER_FORBIDDEN' } });
    }
    // Not even a garbage body is looked at: it would otherwise be dead-lettered.
    const garbage = await call(test, '/tasks/session-events', pushInit('garbage', spoofed));
    expect(garbage.status).toBe(403);
    for (const headers of [{}, { 'X-Appengine-Cron': 'true' }, { 'X-Worker-Secret': 'wrong' }]) {
      expect((await call(test, '/tasks/purge', { headers })).status).toBe(403);
    }
    await expectUntouched(test, [key]);
    expect(await test.metric('gaesession_worker_purge_runs_total{outcome="completed"}')).toBe(0);

    const accepted = await call(test, '/tasks/session-events', pushInit(body, { 'X-Worker-Secret': SECRET }));
    expect(accepted.status).toBe(200);
    expect(await test.worker.services.repository.load(key)).toMatchObject({ version: 1 });
    expect((await call(test, '/tasks/purge', { headers: { 'X-Worker-Secret': SECRET } })).status).toBe(200);
  });

  it('refuse everything when no secret is configured', async () => {
    const test = await worker('auth-nosecret', { WORKER_SHARED_SECRET: '' });
    const key = newKey();
    const headers = { 'X-Worker-Secret': SECRET, 'X-AppEngine-QueueName': test.config.queue.name };
    const response = await call(
      test,
      '/tasks/session-events',
      pushInit(JSON.stringify([liveEvent(key, 1, {})]), headers),
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      error: { message: expect.stringContaining('WORKER_SHARED_SECRET') as string },
    });
    expect((await call(test, '/tasks/purge', { headers: { ...headers, 'X-Appengine-Cron': 'true' } })).status).toBe(
      403,
    );
    await expectUntouched(test, [key]);
  });

  it('leave health and warmup open, and keep /metrics behind the secret', async () => {
    const test = await worker('auth-open');
    expect((await call(test, '/healthz')).status).toBe(200);
    expect((await call(test, '/_ah/warmup')).status).toBe(200);
    expect((await call(test, '/nope')).status).toBe(404);
    for (const headers of [{}, { 'X-Worker-Secret': 'wrong' }, { 'X-Appengine-Cron': 'true' }]) {
      const refused = await call(test, '/metrics', { headers });
      expect(refused.status).toBe(403);
      expect(await refused.text()).not.toContain('gaesession_worker');
    }
    const metrics = await call(test, '/metrics', { headers: { 'X-Worker-Secret': SECRET } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('gaesession_worker_events_applied_total');
  });
});

describe('task and cron endpoints on App Engine', () => {
  it('accept tasks of the configured queue and App Engine cron, and nothing else', async () => {
    const test = await worker('auth-gae', { GAE_ENV: 'standard' });
    expect(test.config.onAppEngine).toBe(true);
    const [refused, accepted] = [newKey(), newKey()];
    const queue = test.config.queue.name;

    const wrongQueue = pushInit(JSON.stringify([liveEvent(refused, 1, {})]), { 'X-AppEngine-QueueName': 'other' });
    expect((await call(test, '/tasks/session-events', wrongQueue)).status).toBe(403);
    const secretOnly = pushInit(JSON.stringify([liveEvent(refused, 1, {})]), { 'X-Worker-Secret': SECRET });
    expect((await call(test, '/tasks/session-events', secretOnly)).status).toBe(403);
    expect((await call(test, '/tasks/purge', { headers: { 'X-Worker-Secret': SECRET } })).status).toBe(403);
    await expectUntouched(test, [refused]);

    const task = pushInit(JSON.stringify([liveEvent(accepted, 1, {})]), { 'X-AppEngine-QueueName': queue });
    expect((await call(test, '/tasks/session-events', task)).status).toBe(200);
    expect(await test.worker.services.repository.load(accepted)).toMatchObject({ version: 1 });
    const cron = await call(test, '/tasks/purge', { headers: { 'X-Appengine-Cron': 'true' } });
    expect(cron.status).toBe(200);
    expect(await cron.json()).toMatchObject({ completed: true, deleted: 0 });
  });
});

describe('warmup', () => {
  it('answers 200 even when Datastore is unreachable', async () => {
    const closedPort = new Datastore({ projectId: 'gaesession-local', apiEndpoint: 'http://127.0.0.1:9' });
    const repository = new DatastoreRepository({ datastore: closedPort, retry: { attempts: 1, callTimeoutMs: 1000 } });
    const test = await worker('warmup', {}, { repository });
    expect((await call(test, '/_ah/warmup')).status).toBe(200);
  });
});
