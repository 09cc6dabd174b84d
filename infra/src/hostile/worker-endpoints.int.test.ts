// The worker's task and cron endpoints against hostile callers and bodies, on the real worker
// process: off App Engine (shared secret) and on App Engine (GAE_ENV set, platform headers).
import { liveEvent, newKey } from '@gaesession/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningApps } from '../testing/apps.fixture.js';
import { rawRequest, type RawHeader, type RawResponse } from './raw-http.fixture.js';
import { countBy, mapConcurrently, startBuiltApps } from './suite.fixture.js';
import {
  invalidDeliveries,
  PURGE_PATH,
  refusedOffAppEngine,
  refusedOnAppEngine,
  TASK_PATH,
  type RefusedCall,
} from './worker-cases.fixture.js';

const MIB = 1024 * 1024;

let offGae: RunningApps | undefined;
let onGae: RunningApps | undefined;
const secretOf = (apps: RunningApps | undefined) => apps?.env.WORKER_SHARED_SECRET ?? '';

beforeAll(async () => {
  [offGae, onGae] = await Promise.all([
    startBuiltApps({ label: 'hostile-worker', env: { PURGE_INTERVAL_MS: String(24 * 3_600_000) } }),
    startBuiltApps({
      label: 'hostile-gae',
      env: { PURGE_INTERVAL_MS: String(24 * 3_600_000) },
      workerEnv: { GAE_ENV: 'standard' },
    }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([offGae?.stop(), onGae?.stop()]);
});

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => {
    console.error(`off App Engine:\n${offGae?.output() ?? ''}\non App Engine:\n${onGae?.output() ?? ''}`);
  });
});

/** Keys of every entity of `kind` in the apps' namespace. */
async function keysOf(apps: RunningApps, kind: string): Promise<string[]> {
  return [...(await apps.datastore.dump(kind)).keys()];
}

/** A Session entity that expired two hours ago: any purge that runs deletes it. */
async function seedExpired(apps: RunningApps): Promise<string> {
  const { datastore, namespace } = apps.datastore;
  const key = newKey();
  const past = new Date(Date.now() - 2 * 3_600_000);
  await datastore.save({
    key: datastore.key({ namespace, path: ['Session', key] }),
    data: { version: 1, tombstone: true, expiresAt: past, updatedAt: past },
    excludeFromIndexes: ['version', 'tombstone', 'updatedAt'],
  });
  return key;
}

function send(
  apps: RunningApps,
  call: Pick<RefusedCall, 'method' | 'path' | 'headers' | 'body'>,
): Promise<RawResponse> {
  return rawRequest(apps.worker.url, {
    method: call.method,
    path: call.path,
    headers: call.headers,
    ...(call.body === undefined ? {} : { body: call.body }),
  });
}

async function expectRefused(apps: RunningApps, calls: readonly RefusedCall[], label: string): Promise<void> {
  const expired = await seedExpired(apps);
  const answers = await mapConcurrently(calls, 6, (call) => send(apps, call));
  const failures = calls.flatMap((call, i) => {
    const answer = answers[i]!;
    const code = (JSON.parse(answer.body || '{}') as { error?: { code?: string } }).error?.code;
    return answer.status === 403 && code === 'WORKER_FORBIDDEN'
      ? []
      : [`${call.name}: ${answer.status} ${answer.body.slice(0, 160)}`];
  });
  console.log(
    `[hostile worker ${label}] ${calls.length} refused calls`,
    JSON.stringify(countBy(calls, (c) => c.path.split('?')[0] ?? c.path)),
  );
  expect(failures).toEqual([]);
  // Nothing was applied, nothing dead-lettered, no purge ran.
  const sessions = await keysOf(apps, 'Session');
  expect(sessions).toEqual([expired]);
  expect(await keysOf(apps, 'DeadEvent')).toEqual([]);
  // Most refused calls carried a valid event: had one been accepted, its session would be there.
  expect(calls.flatMap((call) => call.keys).length).toBeGreaterThanOrEqual(9);
}

describe('off App Engine (shared secret)', () => {
  it('refuses every caller without the exact secret with 403: nothing applied, dead-lettered or purged', async () => {
    const apps = offGae!;
    await expectRefused(apps, refusedOffAppEngine(apps.queueName, secretOf(apps)), 'off App Engine');
    const purge = await send(apps, { method: 'GET', path: PURGE_PATH, headers: [['X-Worker-Secret', secretOf(apps)]] });
    expect(purge.status).toBe(200);
    expect(JSON.parse(purge.body)).toMatchObject({ completed: true, deleted: 1 });
    expect(await keysOf(apps, 'Session')).toEqual([]);
  });

  it('dead-letters every invalid delivery from an authorized caller, applies none of it, and answers 200', async () => {
    const apps = offGae!;
    const deliveries = invalidDeliveries();
    const secret: RawHeader = ['X-Worker-Secret', secretOf(apps)];
    const answers = await mapConcurrently(deliveries, 6, (d) =>
      send(apps, { method: 'POST', path: TASK_PATH, headers: [secret, ...(d.headers ?? [])], body: d.body }),
    );
    const letters = new Set(await keysOf(apps, 'DeadEvent'));
    const sessions = new Set(await keysOf(apps, 'Session'));
    const failures = deliveries.flatMap((d, i) => {
      const answer = answers[i]!;
      if (answer.status !== 200) return [`${d.name}: ${answer.status} ${answer.body.slice(0, 200)}`];
      const outcome = JSON.parse(answer.body) as { applied: number; invalid: number; deadLetters: string[] };
      const problems: string[] = [];
      if (outcome.invalid !== d.invalid || outcome.applied !== (d.applied ?? 0)) {
        problems.push(`${d.name}: outcome ${answer.body}`);
      }
      if (outcome.deadLetters.length !== d.invalid || !outcome.deadLetters.every((id) => letters.has(id))) {
        problems.push(`${d.name}: dead letters ${JSON.stringify(outcome.deadLetters)} not all stored`);
      }
      if (d.keys.some((key) => sessions.has(key))) problems.push(`${d.name}: applied to Datastore`);
      return problems;
    });
    console.log(`[hostile worker] ${deliveries.length} invalid authorized deliveries`);
    expect(failures).toEqual([]);
    const letter = (await apps.datastore.dump('DeadEvent')).values().next().value;
    expect(letter).toMatchObject({ code: 'EVENT_INVALID' });
  });

  it('answers 413 to bodies over 1 MiB from an authorized caller and keeps their start as a dead letter', async () => {
    const apps = offGae!;
    const secret: RawHeader = ['X-Worker-Secret', secretOf(apps)];
    const bodies = [Buffer.alloc(MIB + 1, 'a'), Buffer.alloc(4 * MIB, '['), Buffer.alloc(MIB + 1, 0)];
    for (const body of bodies) {
      const answer = await send(apps, { method: 'POST', path: TASK_PATH, headers: [secret], body });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'WORKER_TASK_TOO_LARGE' } });
      const [letter] = [...(await apps.datastore.dump('DeadEvent'))].filter(
        ([, entity]) =>
          entity.code === 'EVENT_TOO_LARGE' && String(entity.payload).startsWith(body.subarray(0, 16).toString()),
      );
      expect(letter, 'the refused body’s start is kept').toBeDefined();
    }
  });
});

describe('on App Engine (GAE_ENV set)', () => {
  it('refuses every call without the platform’s own headers with 403: nothing applied, dead-lettered or purged', async () => {
    const apps = onGae!;
    await expectRefused(apps, refusedOnAppEngine(apps.queueName, secretOf(apps)), 'on App Engine');
    const key = newKey();
    const task = await send(apps, {
      method: 'POST',
      path: TASK_PATH,
      headers: [['X-AppEngine-QueueName', apps.queueName]],
      body: JSON.stringify([liveEvent(key, 1, {})]),
    });
    expect(task.status).toBe(200);
    const cron = await send(apps, { method: 'GET', path: PURGE_PATH, headers: [['X-Appengine-Cron', 'true']] });
    expect(JSON.parse(cron.body)).toMatchObject({ completed: true, deleted: 1 });
    expect(await keysOf(apps, 'Session')).toEqual([key]);
  });
});
