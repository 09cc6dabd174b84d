import { request } from 'node:http';
import { Datastore } from '@google-cloud/datastore';
import { encodeEvents } from '@gaesession/events';
import { DatastoreRepository } from '@gaesession/persistence';
import { Cleanup } from '@gaesession/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryOutcome } from '../src/process-payload.js';
import { corruptSession, liveEvent, newKey, SECRET, startTestWorker } from './worker.fixture.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());
const worker = cleanup.tracking(startTestWorker);

describe('POST /tasks/session-events', () => {
  it('answers 200 only once the batch is durable in Datastore', async () => {
    const test = await worker('push');
    const [a, b] = [newKey(), newKey()];
    const response = await test.push([liveEvent(a, 1, { n: 1 }), liveEvent(b, 1, { n: 1 }), liveEvent(a, 2, { n: 2 })]);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ applied: 3, invalid: 0, failed: 0, deadLetters: [] });
    // No polling: a 200 means it is already there.
    const repository = test.worker.services.repository;
    expect(await repository.load(a)).toMatchObject({ version: 2, attrs: { n: 2 } });
    expect(await repository.load(b)).toMatchObject({ version: 1, attrs: { n: 1 } });
  });

  it('takes gzip bodies flagged by X-Gaesession-Encoding, and dead-letters a body that contradicts the flag', async () => {
    const test = await worker('gzip');
    const key = newKey();
    const gzipped = encodeEvents([liveEvent(key, 1, { big: 'x'.repeat(10_000) })], { compressAbove: 0 });
    const headers = { 'Content-Type': 'application/octet-stream', 'X-Gaesession-Encoding': 'gzip' };
    const ok = await test.push(gzipped, headers);
    expect(ok.status).toBe(200);
    expect(await test.worker.services.repository.load(key)).toMatchObject({ version: 1 });

    const other = newKey();
    const lying = await test.push([liveEvent(other, 1, {})], headers);
    expect(lying.status).toBe(200);
    const outcome = (await lying.json()) as DeliveryOutcome;
    expect(outcome).toMatchObject({ applied: 0, invalid: 1 });
    expect(await test.worker.services.repository.load(other)).toBeUndefined();
    expect(await test.worker.services.deadLetters.get(outcome.deadLetters[0]!)).toMatchObject({
      code: 'EVENT_INVALID',
    });
  });

  it('dead-letters an invalid event while its valid neighbours apply; fixed, it replays, and twice is harmless', async () => {
    const test = await worker('invalid');
    const { repository, deadLetters } = test.worker.services;
    const [a, b, c] = [newKey(), newKey(), newKey()];
    const broken = { ...liveEvent(c, 1, { fixed: false }), version: 0 }; // versions start at 1
    const response = await test.push([liveEvent(a, 1, {}), broken, liveEvent(b, 1, {})]);
    expect(response.status).toBe(200);
    const outcome = (await response.json()) as DeliveryOutcome;
    expect(outcome).toMatchObject({ applied: 2, invalid: 1, failed: 0 });
    expect(await repository.load(a)).toBeDefined();
    expect(await repository.load(b)).toBeDefined();
    expect(await repository.load(c)).toBeUndefined();

    const id = outcome.deadLetters[0]!;
    const letter = await deadLetters.get(id);
    expect(letter).toMatchObject({ code: 'EVENT_INVALID', attempts: 1, truncated: false });
    expect(letter?.error).toMatch(/^item 1 of 3: .*version/);
    expect(JSON.parse(letter!.payload)).toEqual([broken]);

    // Replaying it unfixed fails and keeps it; fixed, it applies and is gone; again, it is a no-op.
    const apply = (events: Parameters<typeof repository.apply>[0]) => repository.apply(events);
    await expect(deadLetters.replay(id, apply)).rejects.toMatchObject({ code: 'EVENT_INVALID' });
    expect(await deadLetters.update(id, JSON.stringify([liveEvent(c, 1, { fixed: true })]))).toBe(true);
    expect(await deadLetters.replay(id, apply)).toEqual({ replayed: true, events: 1 });
    expect(await repository.load(c)).toMatchObject({ version: 1, attrs: { fixed: true } });
    expect(await deadLetters.replay(id, apply)).toEqual({ replayed: false, events: 0 });
    expect(await repository.load(c)).toMatchObject({ version: 1, attrs: { fixed: true } });
    expect(await deadLetters.list()).toEqual([]);
  });

  it('dead-letters a body that is not an event batch at all, as received', async () => {
    const test = await worker('garbage');
    const response = await test.push('this is not json');
    expect(response.status).toBe(200);
    const outcome = (await response.json()) as DeliveryOutcome;
    expect(outcome).toMatchObject({ applied: 0, invalid: 1 });
    const letter = await test.worker.services.deadLetters.get(outcome.deadLetters[0]!);
    expect(letter).toMatchObject({ payload: 'this is not json', code: 'EVENT_INVALID' });
    expect(await test.metric('gaesession_worker_invalid_events_total')).toBe(1);
    expect(await test.metric('gaesession_worker_dead_letters_total{reason="invalid"}')).toBe(1);
  });

  it('fails a non-last attempt with 500 (not 503) and dead-letters the last one with the error and attempts', async () => {
    const test = await worker('poison', { TASK_RETRY_LIMIT: '5' });
    const poisoned = newKey();
    await corruptSession(test, poisoned);
    const events = [liveEvent(poisoned, 1, {})];

    const early = await test.push(events, { 'X-AppEngine-TaskRetryCount': '4', 'X-AppEngine-TaskName': 'poison' });
    expect(early.status).toBe(500);
    expect(await early.json()).toMatchObject({ error: { code: 'WORKER_DELIVERY_FAILED' } });
    expect(await test.worker.services.deadLetters.list()).toEqual([]);
    expect(await test.metric('gaesession_worker_deliveries_failed_total')).toBe(1);

    const last = await test.push(events, { 'X-AppEngine-TaskRetryCount': '5', 'X-AppEngine-TaskName': 'poison' });
    expect(last.status).toBe(200);
    const outcome = (await last.json()) as DeliveryOutcome;
    expect(outcome).toMatchObject({ applied: 0, failed: 1 });
    const letter = await test.worker.services.deadLetters.get(outcome.deadLetters[0]!);
    expect(letter).toMatchObject({
      code: 'DATASTORE_CORRUPT_ENTITY',
      attempts: 6,
      source: expect.stringMatching(/\/poison$/) as string,
    });
    expect(JSON.parse(letter!.payload)).toEqual(events);
    expect(await test.metric('gaesession_worker_dead_letters_total{reason="failed"}')).toBe(1);
  });

  it('maps an unreachable Datastore (503 inside) to 500, and dead-letters on the last attempt', async () => {
    const closedPort = new Datastore({ projectId: 'gaesession-local', apiEndpoint: 'http://127.0.0.1:9' });
    const repository = new DatastoreRepository({
      datastore: closedPort,
      retry: { attempts: 2, baseDelayMs: 10, callTimeoutMs: 2000 },
    });
    const test = await worker('unreachable', { TASK_RETRY_LIMIT: '3' }, { repository });
    const events = [liveEvent(newKey(), 1, {})];
    const failed = await test.push(events);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ error: { code: 'WORKER_DELIVERY_FAILED' } });

    const last = await test.push(events, { 'X-AppEngine-TaskRetryCount': '3' });
    expect(last.status).toBe(200);
    const outcome = (await last.json()) as DeliveryOutcome;
    const letter = await test.worker.services.deadLetters.get(outcome.deadLetters[0]!);
    expect(letter).toMatchObject({ code: 'DATASTORE_UNAVAILABLE', attempts: 4 });
  });

  it('fails only the poisoned delivery of a group: its neighbours still apply', async () => {
    // One group of exactly these 4 pushes: it closes when the 4th event arrives, whenever that is.
    const test = await worker('isolate', { BATCH_MAX_EVENTS: '4', BATCH_MAX_WAIT_MS: '600000' });
    const poisoned = newKey();
    await corruptSession(test, poisoned);
    const healthy = [newKey(), newKey(), newKey()];
    const responses = await Promise.all([
      test.push([liveEvent(poisoned, 1, {})]),
      ...healthy.map((key) => test.push([liveEvent(key, 1, {})])),
    ]);
    expect(responses.map((response) => response.status)).toEqual([500, 200, 200, 200]);
    for (const key of healthy) expect(await test.worker.services.repository.load(key)).toBeDefined();
    expect(test.worker.services.committer.stats).toMatchObject({ batches: 1, isolatedRetries: 4, events: 3 });
  });

  it('group-commits 100 concurrent pushes into far fewer commits than events', async () => {
    // Groups close at 10 events, never by the clock: however the pushes spread out, 10 commits.
    const test = await worker('group', { BATCH_MAX_EVENTS: '10', BATCH_MAX_WAIT_MS: '600000' });
    const keys = Array.from({ length: 100 }, newKey);
    const responses = await Promise.all(keys.map((key) => test.push([liveEvent(key, 1, {})])));
    expect(responses.every((response) => response.status === 200)).toBe(true);
    const events = await test.metric('gaesession_worker_events_applied_total');
    const commits = await test.metric('gaesession_worker_commits_total');
    expect(events).toBe(100);
    expect(commits).toBe(10);
    expect(await test.metric('gaesession_worker_event_lag_seconds_count')).toBe(100);
    for (const key of keys.slice(0, 5)) expect(await test.worker.services.repository.load(key)).toBeDefined();
  });

  it('answers 413 to a body over 1 MiB and keeps its start as a dead letter', async () => {
    const test = await worker('too-large');
    const body = JSON.stringify([liveEvent(newKey(), 1, { big: 'x'.repeat(1_200_000) })]);
    const { status, json } = await rawPost(`${test.worker.url}/tasks/session-events`, body);
    expect(status).toBe(413);
    expect(json).toMatchObject({ error: { code: 'WORKER_TASK_TOO_LARGE' } });
    const [letter] = await test.worker.services.deadLetters.list();
    expect(letter).toMatchObject({ code: 'EVENT_TOO_LARGE', truncated: true });
    expect(letter?.error).toContain(String(Buffer.byteLength(body)));
    expect(await test.metric('gaesession_worker_dead_letters_total{reason="too-large"}')).toBe(1);
  });
});

/** A POST that tolerates the server answering before it read the whole body (fetch may not). */
function rawPost(url: string, body: string): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { 'X-Worker-Secret': SECRET, 'Content-Type': 'application/json' },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as unknown });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
