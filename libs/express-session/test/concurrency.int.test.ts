// 50 concurrent requests that each set their own attribute, and 100 concurrent increments, on one
// session: GaeSessionStore keeps every change, in the API and in Datastore, on both caches. The
// same app on connect-redis keeps a fraction, measured in the same run and printed beside it.
import { sessionKey } from '@gaesession/core';
import { deleteKeysUnder, services, uniqueName } from '@gaesession/testkit';
import { RedisStore } from 'connect-redis';
import type { Store } from 'express-session';
import { createClient } from 'redis';
import { afterAll, describe, expect, it } from 'vitest';
import { GaeSessionStore } from '../src/index.js';
import { Client, startApp } from './app.fixture.js';
import { CACHES, startStack, type Stack } from './stack.fixture.js';

const ATTRIBUTES = 50;
const INCREMENTS = 100;

/** How many of the concurrent changes a store kept, as the app reads the session afterwards. */
interface Kept {
  readonly attributes: number;
  readonly increments: number;
}

/** Logs in, fires the concurrent requests, and counts what the session holds afterwards. */
async function hammer(store: Store): Promise<{ kept: Kept; attrs: Record<string, unknown>; sid: string }> {
  const app = await startApp(store);
  try {
    const client = new Client(app.url);
    expect((await client.call('/login')).status).toBe(201);
    const sets = Array.from({ length: ATTRIBUTES }, (_, i) => client.call(`/set/a${i}?v=${i}`));
    const incrs = Array.from({ length: INCREMENTS }, () => client.call('/incr/views'));
    const answers = await Promise.all([...sets, ...incrs]);
    expect(answers.map((a) => a.status).filter((s) => s !== 200)).toEqual([]);
    const { body } = await client.call('/session', 'GET');
    const attrs = body.attrs as Record<string, unknown>;
    const attributes = Array.from({ length: ATTRIBUTES }, (_, i) => attrs[`a${i}`] === String(i)).filter(
      Boolean,
    ).length;
    return { kept: { attributes, increments: Number(attrs.views) }, attrs, sid: client.sid };
  } finally {
    await app.close();
  }
}

const results = new Map<string, Kept>();

afterAll(() => {
  const lines = [...results].map(
    ([store, kept]) =>
      `  ${store.padEnd(32)} kept ${kept.attributes} of ${ATTRIBUTES} attributes, ${kept.increments} of ${INCREMENTS} increments`,
  );
  console.log(`[express-session] concurrent writes on one session:\n${lines.join('\n')}`);
});

describe.each(CACHES)('express-session + GaeSessionStore on %s', (cache) => {
  let stack: Stack;
  let store: GaeSessionStore;

  afterAll(async () => {
    await store.close();
    await stack.close();
  });

  it('keeps all 50 attributes and all 100 increments, in the API and in Datastore', async () => {
    stack = await startStack('es-concurrency', cache);
    store = new GaeSessionStore({ config: stack.config });
    const { kept, attrs, sid } = await hammer(store);
    results.set(`GaeSessionStore (${cache})`, kept);
    expect(kept).toEqual({ attributes: ATTRIBUTES, increments: INCREMENTS });

    await stack.drain();
    const durable = await stack.repository.load(sessionKey(sid));
    expect({ ...durable?.attrs, cookie: undefined }).toEqual({ ...attrs, cookie: undefined });
  });
});

describe('express-session + connect-redis (the same app)', () => {
  const prefix = `${uniqueName('es-connect-redis')}:`;
  const url = `redis://${services.redis.host}:${services.redis.port}`;
  const client = createClient({ url });

  afterAll(async () => {
    if (client.isOpen) await client.close();
    await deleteKeysUnder(url, prefix);
  });

  it('keeps a fraction: the last save of the whole session wins', async () => {
    await client.connect();
    const { kept } = await hammer(new RedisStore({ client, prefix }));
    results.set('connect-redis', kept);
    expect(kept.attributes + kept.increments).toBeLessThan(ATTRIBUTES + INCREMENTS);
  });
});
