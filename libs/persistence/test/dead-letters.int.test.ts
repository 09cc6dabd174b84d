import { encodeEvents, toTransportString, type SessionEvent } from '@gaesession/events';
import { isSessionError } from '@gaesession/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { liveEvent, newKey, testDatastore, type TestDatastore } from '@gaesession/testkit';
import { DeadLetterStore } from '../src/dead-letters.js';
import { MAX_UNINDEXED_VALUE_BYTES } from '../src/model.js';
import { DatastoreRepository } from '../src/repository.js';

let t: TestDatastore;
let clock: number;
let letters: DeadLetterStore;

beforeEach(() => {
  t = testDatastore('dead');
  clock = 1_700_000_000_000;
  letters = new DeadLetterStore({ datastore: t.datastore, namespace: t.namespace, now: () => clock });
});

afterEach(async () => {
  await t.close();
});

const payloadOf = (events: readonly unknown[]): string => toTransportString(encodeEvents(events as SessionEvent[]));

describe('DeadLetterStore', () => {
  it('records the same payload once, summing attempts and keeping the first failure', async () => {
    const payload = '{"not":"an event"}';
    const id = await letters.add({ payload, error: 'schema', code: 'EVENT_INVALID', attempts: 3, source: 'q1' });
    clock += 60_000;
    expect(await letters.add({ payload, error: 'schema again', attempts: 2 })).toBe(id);
    const letter = await letters.get(id);
    expect(letter).toMatchObject({ id, payload, attempts: 5, failures: 2, error: 'schema again', truncated: false });
    expect(letter?.code).toBeUndefined();
    expect(letter?.firstFailure.getTime()).toBe(1_700_000_000_000);
    expect(letter?.lastFailure.getTime()).toBe(clock);
  });

  it('lists the most recent failures first, up to the limit', async () => {
    const first = await letters.add({ payload: 'a', error: 'x', attempts: 1 });
    clock += 1000;
    const second = await letters.add({ payload: 'b', error: 'x', attempts: 1 });
    clock += 1000;
    const third = await letters.add({ payload: 'c', error: 'x', attempts: 1 });
    expect((await letters.list()).map((l) => l.id)).toEqual([third, second, first]);
    expect((await letters.list({ limit: 2 })).map((l) => l.id)).toEqual([third, second]);
  });

  it('keeps a letter whose replay fails, then replays it once fixed, and only once', async () => {
    const repo = new DatastoreRepository({ datastore: t.datastore, namespace: t.namespace });
    const key = newKey();
    const good = liveEvent(key, 1, { fixed: true });
    const bad = payloadOf([{ ...good, version: 0 }]);
    const id = await letters.add({ payload: bad, error: 'version must be positive', attempts: 5 });

    const failure: unknown = await letters.replay(id, (events) => repo.apply(events)).catch((error: unknown) => error);
    expect(isSessionError(failure, 'EVENT_INVALID')).toBe(true);
    expect(await letters.get(id)).toMatchObject({ attempts: 6, code: 'EVENT_INVALID' });

    expect(await letters.update(id, payloadOf([good]))).toBe(true);
    expect(await letters.replay(id, (events) => repo.apply(events))).toEqual({ replayed: true, events: 1 });
    expect((await repo.load(key))?.attrs).toEqual({ fixed: true });
    expect(await letters.get(id)).toBeUndefined();
    expect(await letters.replay(id, (events) => repo.apply(events))).toEqual({ replayed: false, events: 0 });
  });

  it('keeps the letter when apply fails, and deletes nothing that was fixed meanwhile', async () => {
    const id = await letters.add({ payload: payloadOf([liveEvent(newKey(), 1, {})]), error: 'x', attempts: 1 });
    await expect(letters.replay(id, () => Promise.reject(new Error('datastore down')))).rejects.toThrow(
      'datastore down',
    );
    expect(await letters.get(id)).toMatchObject({ error: 'datastore down', attempts: 2 });
    const fix = payloadOf([liveEvent(newKey(), 1, { v: 2 })]);
    const result = await letters.replay(id, async () => {
      await letters.update(id, fix);
    });
    expect(result.replayed).toBe(true);
    expect((await letters.get(id))?.payload).toBe(fix);
  });

  it('stores an oversized payload truncated and refuses to replay it', async () => {
    const payload = 'x'.repeat(MAX_UNINDEXED_VALUE_BYTES + 10);
    const id = await letters.add({ payload, error: 'too big', attempts: 1 });
    const letter = await letters.get(id);
    expect(letter?.truncated).toBe(true);
    expect(letter?.payload.length).toBeLessThan(payload.length);
    const error: unknown = await letters.replay(id, () => Promise.resolve()).catch((caught: unknown) => caught);
    expect(isSessionError(error, 'EVENT_INVALID')).toBe(true);
  });

  it('answers false for letters that do not exist, and discards', async () => {
    expect(await letters.update('missing', '[]')).toBe(false);
    expect(await letters.discard('missing')).toBe(false);
    const id = await letters.add({ payload: 'p', error: 'x', attempts: 1 });
    expect(await letters.discard(id)).toBe(true);
    expect(await letters.get(id)).toBeUndefined();
  });
});
