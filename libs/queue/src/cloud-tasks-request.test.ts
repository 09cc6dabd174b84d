import { randomBytes } from 'node:crypto';
import { decodeEvents, ENCODING_HEADER, MAX_TASK_BYTES } from '@gaesession/events';
import { describe, expect, it } from 'vitest';
import {
  packEvents,
  queuePath,
  TASK_ID_MAX_LENGTH,
  taskIdOf,
  taskRequests,
  type TaskTarget,
} from './cloud-tasks-request.js';
import { sampleEvent } from './queue.fixture.js';

/** Attributes that gzip cannot shrink much: about `bytes` of random base64. */
function noise(bytes: number): Record<string, string> {
  return { blob: randomBytes(Math.ceil((bytes * 3) / 4)).toString('base64') };
}

const target: TaskTarget = {
  queuePath: queuePath('demo-project', 'europe-west1', 'session-events'),
  service: 'worker',
  relativeUri: '/tasks/session-events',
  headers: { 'X-Shared-Secret': 's3cret' },
  maxTaskBytes: MAX_TASK_BYTES,
};

describe('taskIdOf', () => {
  it('names one event by a hash prefix and the sanitized event id', () => {
    const event = sampleEvent();
    const id = taskIdOf([event]);
    expect(id).toMatch(/^[0-9a-f]{8}-[A-Za-z0-9_-]+$/);
    expect(id.slice(9)).toBe(event.id.replace('.', '_'));
    expect(taskIdOf([event])).toBe(id);
  });

  it('spreads sequential versions of one session over the keyspace', () => {
    const key = sampleEvent().key;
    const prefixes = new Set(
      [1, 2, 3, 4, 5, 6].map((version) =>
        taskIdOf([{ ...sampleEvent({}, version), key, id: `${key}.${version}` }]).slice(0, 8),
      ),
    );
    expect(prefixes.size).toBe(6);
  });

  it('keeps odd ids within the allowed characters and length', () => {
    const event = { ...sampleEvent(), id: `weird id/with:${'x'.repeat(600)}` };
    const id = taskIdOf([event]);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(id.length).toBe(TASK_ID_MAX_LENGTH);
  });

  it('names a batch by the hash of its ids, whatever their order', () => {
    const [a, b, c] = [sampleEvent(), sampleEvent(), sampleEvent()];
    const id = taskIdOf([a, b, c]);
    expect(id).toMatch(/^[0-9a-f]{64}-batch-3$/);
    expect(taskIdOf([c, a, b])).toBe(id);
    expect(taskIdOf([a, b])).not.toBe(taskIdOf([a, c]));
  });
});

describe('taskRequests', () => {
  it('builds an App Engine POST to the worker service carrying the events as JSON', () => {
    const events = [sampleEvent({ a: '1' }), sampleEvent({ b: '2' })];
    const [request, ...more] = taskRequests(target, events);
    expect(more).toHaveLength(0);
    expect(request?.parent).toBe('projects/demo-project/locations/europe-west1/queues/session-events');
    expect(request?.task?.name).toBe(`${request?.parent}/tasks/${taskIdOf(events)}`);
    const http = request?.task?.appEngineHttpRequest;
    expect(http?.httpMethod).toBe('POST');
    expect(http?.appEngineRouting).toEqual({ service: 'worker' });
    expect(http?.relativeUri).toBe('/tasks/session-events');
    expect(http?.headers).toEqual({ 'X-Shared-Secret': 's3cret', 'Content-Type': 'application/json' });
    expect(decodeEvents(http?.body as Buffer)).toEqual(events);
  });

  it('marks a gzipped body, and the body still decodes', () => {
    const event = sampleEvent({ text: 'compressible '.repeat(1000) });
    const http = taskRequests(target, [event])[0]?.task?.appEngineHttpRequest;
    const body = http?.body as Buffer;
    expect(body[0]).toBe(0x1f);
    expect(http?.headers).toMatchObject({ 'Content-Type': 'application/octet-stream', [ENCODING_HEADER]: 'gzip' });
    expect(decodeEvents(body)).toEqual([event]);
  });

  it('does not let extra headers override the content headers', () => {
    const headers = { 'content-type': 'text/plain', [ENCODING_HEADER]: 'gzip', 'X-Other': 'kept' };
    const http = taskRequests({ ...target, headers }, [sampleEvent()])[0]?.task?.appEngineHttpRequest;
    expect(http?.headers).toEqual({ 'X-Other': 'kept', 'Content-Type': 'application/json' });
  });
});

describe('packEvents', () => {
  it('splits a batch over several bodies under the limit, keeping every event in order', () => {
    const events = Array.from({ length: 12 }, () => sampleEvent(noise(20_000)));
    const batches = packEvents(events, MAX_TASK_BYTES);
    expect(batches.length).toBeGreaterThanOrEqual(3);
    for (const batch of batches) expect(batch.body.length).toBeLessThanOrEqual(MAX_TASK_BYTES);
    expect(batches.flatMap((batch) => batch.events)).toEqual(events);
    expect(batches.flatMap((batch) => decodeEvents(batch.body))).toEqual(events);
  });

  it('puts small events in one body', () => {
    const events = Array.from({ length: 50 }, () => sampleEvent({ a: 'b' }));
    expect(packEvents(events, MAX_TASK_BYTES)).toHaveLength(1);
  });

  it('lets one event over the limit through when it compresses under it', () => {
    const event = sampleEvent({ text: 'x'.repeat(2 * MAX_TASK_BYTES) });
    const [batch, ...more] = packEvents([event], MAX_TASK_BYTES);
    expect(more).toHaveLength(0);
    expect(batch?.body.length).toBeLessThanOrEqual(MAX_TASK_BYTES);
  });

  it('refuses an event too large even compressed, before building any request', () => {
    const events = [sampleEvent(), sampleEvent(noise(2 * MAX_TASK_BYTES))];
    expect(() => taskRequests(target, events)).toThrow(expect.objectContaining({ code: 'EVENT_TOO_LARGE' }));
  });
});
