// The end-to-end scenarios of sessions by user (GET /api/sessions, POST
// /api/sessions/logout-others), declared once and run on each queue backend through the demo
// app's HTTP API, the queue and the worker (not built, not a test file itself).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildRepository } from '../testing/build.fixture.js';
import { backendTitle, type QueueBackend, type QueueStack } from './backend.fixture.js';
import { durable, storedSession } from './datastore-probe.fixture.js';
import { WebClient } from './web-client.fixture.js';

/** Declares the scenarios (one `describe`, with apps of its own) for `backend`; each backend's test file calls this. */
export function defineSessionScenarios(backend: QueueBackend): void {
  const title = backendTitle(backend);
  describe(`sessions by user, end to end on ${title}`, () => {
    let running: QueueStack | undefined;
    const stack = (): QueueStack => {
      if (running === undefined) throw new Error('the apps did not start (see beforeAll)');
      return running;
    };

    beforeAll(async () => {
      await buildRepository((line) => {
        console.log(`[e2e sessions ${title}] ${line}`);
      });
      running = await backend.start();
    }, 120_000);

    afterAll(async () => {
      await running?.stop();
    });

    beforeEach(({ onTestFailed }) => {
      onTestFailed(() => {
        console.error(`[e2e sessions ${title}] apps' output:\n${running?.apps.output() ?? '(not started)'}`);
      });
    });

    it("lists exactly a user's sessions, and logging out the others ends them at once and durably", async () => {
      const { apps } = stack();
      const loginAs = async (user: string) => {
        const client = new WebClient(apps.web.url);
        return { client, id: (await client.login(user)).id };
      };
      const mine = await Promise.all([loginAs('ada'), loginAs('ada'), loginAs('ada')]);
      const bob = await loginAs('bob');
      const ids = mine.map((session) => session.id);
      // The list reads Datastore's index; a login writes Datastore in the request unless that takes
      // over createTimeoutMs (then through the queue): wait for both ways alike.
      for (const id of [...ids, bob.id]) await durable(apps.datastore, id, 1);

      for (const { client, id } of mine) {
        const listed = await client.sessions();
        expect(listed.map((s) => s.id).sort()).toEqual([...ids].sort());
        expect(listed.filter((s) => s.current).map((s) => s.id)).toEqual([id]);
        expect(listed[0]?.id).toBe(id);
        // Kept at login, read back from Datastore: a coarse label, never the User-Agent itself.
        for (const session of listed) expect(session.device).toBe('Node.js');
      }
      expect((await bob.client.sessions()).map((s) => [s.id, s.current])).toEqual([[bob.id, true]]);
      const [first, ...others] = mine;
      await first.client.endSession(bob.id, 404);

      expect(await first.client.logoutOthers()).toBe(2);
      // Ended before the answer: no wait for the worker, in the cache and in Datastore alike.
      for (const other of others) {
        expect(await other.client.sessionStatus()).toBe(401);
        expect((await storedSession(apps.datastore, other.id))?.tombstone).toBe(true);
      }

      const { value, version } = await first.client.increment('n');
      expect(value).toBe(1);
      expect(await first.client.session()).toMatchObject({ id: first.id, user: 'ada', attrs: { n: 1 } });
      expect((await durable(apps.datastore, first.id, version)).tombstone).toBe(false);
      expect((await first.client.sessions()).map((s) => s.id)).toEqual([first.id]);

      expect((await bob.client.sessions()).map((s) => [s.id, s.current])).toEqual([[bob.id, true]]);
      expect(await bob.client.sessionStatus()).toBe(200);
      expect(await first.client.logoutOthers()).toBe(0);
    });
  });
}
