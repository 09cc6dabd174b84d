// The end-to-end scenarios, declared once and run on each queue backend: through the demo app's
// HTTP API, the queue and the worker, on the real memcached, Redis and Datastore emulator
// (not built, not a test file itself).
import { eventId, type SessionEvent } from '@gaesession/events';
import type { DeadLetter } from '@gaesession/persistence';
import { eventually } from '@gaesession/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildRepository } from '../testing/build.fixture.js';
import { cachedVersion } from '../testing/cache-probe.fixture.js';
import { backendTitle, sample, workerMetrics, type QueueBackend, type QueueStack } from './backend.fixture.js';
import {
  corruptSession,
  deadEvents,
  deadLetters,
  durable,
  loggedEvent,
  seedExpiredSessions,
  storedAttrs,
  storedSession,
} from './datastore-probe.fixture.js';
import { WebClient } from './web-client.fixture.js';

const APPLIED = 'gaesession_worker_events_applied_total';
const WRITTEN = 'gaesession_worker_sessions_written_total';
const FAILED_DELIVERIES = 'gaesession_worker_deliveries_failed_total';
const FAILED_LETTERS = 'gaesession_worker_dead_letters_total{reason="failed"}';

/** Declares the scenarios (one `describe`) for `backend`; the test file of each backend calls this. */
export function defineQueueScenarios(backend: QueueBackend): void {
  const title = backendTitle(backend);
  describe(`end to end on ${title}`, () => {
    let running: QueueStack | undefined;
    const stack = (): QueueStack => {
      if (running === undefined) throw new Error('the apps did not start (see beforeAll)');
      return running;
    };

    beforeAll(async () => {
      await buildRepository((line) => {
        console.log(`[e2e ${title}] ${line}`);
      });
      running = await backend.start();
    }, 120_000);

    afterAll(async () => {
      await running?.stop();
    });

    beforeEach(({ onTestFailed }) => {
      onTestFailed(() => {
        console.error(`[e2e ${title}] apps' output:\n${running?.apps.output() ?? '(not started)'}`);
      });
    });

    /** Waits until the queue holds nothing: every delivery succeeded, was dead-lettered or was given up. */
    const drained = () =>
      eventually(async () => ((await stack().pending()) === 0 ? true : undefined), {
        timeoutMs: 20_000,
        intervalMs: 100,
        what: `the ${backend.name} queue to drain`,
      });

    /** Redelivers `events` and waits until the worker has applied them (a no-op apply counts). */
    async function redeliverAndWait(events: readonly SessionEvent[]) {
      await drained();
      const before = await workerMetrics(stack().apps);
      await stack().redeliver(events);
      const after = await eventually(
        async () => {
          const now = await workerMetrics(stack().apps);
          return sample(now, APPLIED) >= sample(before, APPLIED) + events.length ? now : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 100, what: 'the worker to take the redelivered events' },
      );
      await drained();
      return { before, after };
    }

    it('merges 50 concurrent attribute writes and 100 concurrent increments, in the API and in Datastore', async () => {
      const { apps } = stack();
      const client = new WebClient(apps.web.url);
      const { id } = await client.login('concurrent');
      await Promise.all(Array.from({ length: 50 }, (_, i) => client.set(`a${i}`, i)));
      const increments = await Promise.all(Array.from({ length: 100 }, () => client.increment('n')));

      const expected = { ...Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`a${i}`, i])), n: 100 };
      const view = await client.session();
      expect(view.attrs).toEqual(expected);
      // Concurrent requests of one web process merge into few writes (at most one per request);
      // each increment answers the count of the write that carried it.
      expect(view.version).toBeGreaterThan(1);
      expect(view.version).toBeLessThanOrEqual(1 + 50 + 100);
      // Read past the apps: the session is in this backend's cache (memcached or Valkey).
      expect(await cachedVersion(apps, id)).toBe(view.version);
      const answers = increments.map((answer) => answer.value);
      expect(Math.max(...answers)).toBe(100);
      expect(answers.every((value) => value >= 1 && value <= 100)).toBe(true);

      await drained();
      const stored = await durable(apps.datastore, id, view.version);
      expect(stored.version).toBe(view.version);
      expect(storedAttrs(stored)).toEqual(expected);
      expect(await client.durability()).toEqual({
        version: view.version,
        durableVersion: view.version,
        durable: true,
      });
      expect(await stack().givenUp()).toBe(0);
    });

    it('applies an event delivered twice once: the duplicate rewrites nothing', async () => {
      const { apps } = stack();
      const client = new WebClient(apps.web.url);
      const { id } = await client.login('duplicate');
      const { version } = await client.set('color', 'red');
      const stored = await durable(apps.datastore, id, version);
      const event = await loggedEvent(apps.datastore, id, version);
      expect(event.snapshot?.attrs).toEqual({ color: 'red' });

      const { before, after } = await redeliverAndWait([event]);
      expect(sample(after, APPLIED) - sample(before, APPLIED)).toBe(1);
      expect(sample(after, WRITTEN)).toBe(sample(before, WRITTEN));
      expect(await storedSession(apps.datastore, id)).toEqual(stored);
      expect(await client.session()).toMatchObject({ version, attrs: { color: 'red' } });
    });

    it('does not revert Datastore when an older event arrives after a newer one', async () => {
      const { apps } = stack();
      const client = new WebClient(apps.web.url);
      const { id } = await client.login('late');
      const { version: older } = await client.set('color', 'red');
      const { version: newer } = await client.set('color', 'blue');
      expect(newer).toBe(older + 1);
      await durable(apps.datastore, id, newer);
      const late = await loggedEvent(apps.datastore, id, older);

      const { before, after } = await redeliverAndWait([late]);
      expect(sample(after, WRITTEN)).toBe(sample(before, WRITTEN));
      const stored = await storedSession(apps.datastore, id);
      expect(stored?.version).toBe(newer);
      expect(storedAttrs(stored)).toEqual({ color: 'blue' });
      expect(await client.session()).toMatchObject({ version: newer, attrs: { color: 'blue' } });
    });

    it('keeps a logged-out session a tombstone when an older event arrives late', async () => {
      const { apps } = stack();
      const client = new WebClient(apps.web.url);
      const { id } = await client.login('resurrect');
      const { version } = await client.set('color', 'green');
      await durable(apps.datastore, id, version);
      const late = await loggedEvent(apps.datastore, id, version);
      await client.logout();
      const tombstone = await eventually(
        async () => {
          const entity = await storedSession(apps.datastore, id);
          return entity?.tombstone === true ? entity : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 100, what: 'the tombstone' },
      );

      await redeliverAndWait([late]);
      expect(await storedSession(apps.datastore, id)).toEqual(tombstone);
    });

    it('dead-letters an event it cannot apply on the last allowed attempt, and the queue does not drop it', async () => {
      const { apps } = stack();
      const client = new WebClient(apps.web.url);
      const { id } = await client.login('poisoned');
      await durable(apps.datastore, id, 1);
      await drained();
      // From now on every apply of this key fails (DATASTORE_CORRUPT_ENTITY): retrying cannot help.
      await corruptSession(apps.datastore, id);
      const before = await workerMetrics(apps);
      const givenUp = await stack().givenUp();

      // The request path touches only the cache and the queue: the write succeeds.
      const { version } = await client.set('doomed', true);
      const poisoned = eventId(id, version);
      const attempts = await stack().attemptsAllowed(poisoned);
      expect(attempts).toBeGreaterThan(1);
      const stopHurrying = stack().hurryRetries();
      let letter: DeadLetter;
      try {
        letter = await eventually(
          async () => {
            const found = (await deadLetters(apps.datastore)).find((one) =>
              deadEvents(one).some((event) => event.id === poisoned),
            );
            // E.g. TASK_RETRY_LIMIT above the queue's task_retry_limit: the queue drops the task first.
            if (found === undefined && (await stack().givenUp()) > givenUp)
              throw new Error(`the ${backend.name} queue gave up on event ${poisoned} before it was dead-lettered`);
            return found;
          },
          { timeoutMs: 30_000, intervalMs: 100, what: `event ${poisoned} in the dead letters` },
        );
      } finally {
        stopHurrying();
      }
      expect(letter).toMatchObject({ code: 'DATASTORE_CORRUPT_ENTITY', attempts, failures: 1 });
      expect(letter.source).toContain(apps.queueName);

      // The last attempt was acknowledged after the letter was stored: nothing left, nothing dropped.
      await drained();
      expect(await stack().givenUp()).toBe(givenUp);
      const after = await workerMetrics(apps);
      expect(sample(after, FAILED_DELIVERIES) - sample(before, FAILED_DELIVERIES)).toBe(attempts - 1);
      expect(sample(after, FAILED_LETTERS) - sample(before, FAILED_LETTERS)).toBe(1);
      expect((await storedSession(apps.datastore, id))?.version).toBe('not a number');
      expect(await client.session()).toMatchObject({ version, attrs: { doomed: true } });
    });

    it('purges expired sessions on the platform cron call and refuses any other caller (403)', async () => {
      const { apps } = stack();
      const expired = await seedExpiredSessions(apps.datastore, 2 * 3_600_000);
      const client = new WebClient(apps.web.url);
      const { id } = await client.login('survivor');
      await durable(apps.datastore, id, 1);
      const purge = (headers: Readonly<Record<string, string>>) =>
        fetch(`${apps.worker.url}/tasks/purge`, { headers, signal: AbortSignal.timeout(30_000) });

      for (const headers of [{}, stack().foreignCronHeaders]) {
        const refused = await purge(headers);
        expect(refused.status).toBe(403);
        expect(await refused.json()).toMatchObject({ error: { code: 'WORKER_FORBIDDEN' } });
      }
      for (const key of expired) expect(await storedSession(apps.datastore, key)).toBeDefined();

      const answer = await purge(stack().cronHeaders);
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ completed: true, deleted: expired.length });
      for (const key of expired) expect(await storedSession(apps.datastore, key)).toBeUndefined();
      expect((await storedSession(apps.datastore, id))?.version).toBe(1);
      expect(await client.session()).toMatchObject({ id, user: 'survivor' });

      const again = await purge(stack().cronHeaders);
      expect(await again.json()).toMatchObject({ completed: true, deleted: 0 });
    });
  });
}
