// The demo in a real browser: Chromium (playwright-core) against the compiled web app and worker.
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { Page } from 'playwright-core';
import { startApps, type RunningApps } from '../../../infra/src/testing/apps.fixture.js';
import { buildRepository } from '../../../infra/src/testing/build.fixture.js';
import { launchChromium, type TestBrowser } from '../../../infra/src/testing/chromium.fixture.js';

/** The second "device": Firefox on an Android phone. */
const PHONE_USER_AGENT = 'Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0';

const log = (line: string): void => {
  console.log(`[browser test] ${line}`);
};

describe('demo app in Chromium', () => {
  let apps: RunningApps | undefined;
  let browser: TestBrowser | undefined;

  beforeAll(async () => {
    await buildRepository(log);
    [apps, browser] = await Promise.all([startApps({ label: 'browser' }), launchChromium(log)]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await apps?.stop();
  });

  /**
   * A fresh page with no cookies, in the browser's first context or in `context` (another
   * "device"); on failure it leaves a screenshot and the apps' output.
   */
  async function openPage({ task, onTestFailed }: TestContext, context = browser!.context): Promise<Page> {
    await context.clearCookies();
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    onTestFailed(async () => {
      const path = `/tmp/gaesession-browser-${task.name.replace(/\W+/g, '-')}-${Date.now()}.png`;
      await page.screenshot({ path, fullPage: true }).catch(() => undefined);
      console.error(`[browser test] screenshot: ${path} (page ${page.url()})\n${apps!.output()}`);
    });
    await page.goto(apps!.web.url + '/');
    return page;
  }

  /** Submits the login form; `landsOn` is a selector of the page the answer shows. */
  async function logIn(page: Page, user: string, password: string, landsOn: string): Promise<void> {
    await page.fill('#user', user);
    await page.fill('#password', password);
    await page.click('#login');
    await page.waitForSelector(landsOn);
  }

  async function sessionCookie(page: Page) {
    return (await page.context().cookies(apps!.web.url)).find((cookie) => cookie.name === 'sessid');
  }

  it('shows an error for a wrong password and starts no session', async (context) => {
    const page = await openPage(context);
    await logIn(page, 'ada', 'not-a', '#error');
    expect(await page.textContent('#error')).toContain('Wrong user name or password');
    expect(await page.isVisible('#login')).toBe(true);
    expect(await sessionCookie(page)).toBeUndefined();
    await page.close();
  });

  it('logs in, counts visits, turns durable, keeps the cookie HttpOnly, and logs out', async (context) => {
    const page = await openPage(context);
    expect(await page.isVisible('#login')).toBe(true);
    await logIn(page, 'ada', 'a', '#visits');
    expect(await page.textContent('#who')).toBe('ada');
    // The first page after login counts 0; each refresh adds one.
    expect(await page.textContent('#visits')).toBe('0');
    await page.reload();
    await page.reload();
    expect(await page.textContent('#visits')).toBe('2');

    // The panel polls /api/durability until the worker has stored the version the page shows.
    const version = Number(await page.textContent('#version'));
    await page.waitForSelector('#durable.ok');
    expect(await page.textContent('#durable')).toBe(`durable (version ${version} stored)`);
    const session = (await page.evaluate(async () => (await fetch('/api/session')).json())) as { id: string };
    const { datastore, namespace } = apps!.datastore;
    const key = datastore.key({ namespace, path: ['Session', session.id] });
    const [stored] = (await datastore.get(key)) as [Record<string, unknown> | undefined];
    expect(stored?.version).toBe(version);
    expect((JSON.parse(String(stored?.data)) as { attrs: unknown }).attrs).toEqual({ visits: 2 });

    const cookie = await sessionCookie(page);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(await page.evaluate<string>('document.cookie')).not.toContain('sessid');

    await page.click('#logout');
    await page.waitForSelector('#login');
    expect(await page.isVisible('#visits')).toBe(false);
    expect(await page.textContent('#logged-out')).toContain('Your session ended: its tombstone is in Datastore');
    expect(await sessionCookie(page)).toBeUndefined();
    // Logout is durable before the answer: a tombstone replaces the session.
    const [tombstone] = (await datastore.get(key)) as [Record<string, unknown> | undefined];
    expect(tombstone?.tombstone).toBe(true);
    await page.close();
  });

  /** Refreshes the "Your sessions" panel and answers its rows: [device text, whether current] by session id. */
  async function listed(page: Page): Promise<Map<string, [string, boolean]>> {
    const rows = page.locator('#session-rows');
    const before = Number((await rows.getAttribute('data-generation')) ?? 0);
    await page.click('#refresh-sessions');
    await page.waitForSelector(`#session-rows[data-generation="${before + 1}"]`);
    const found = new Map<string, [string, boolean]>();
    for (const row of await page.locator('#session-rows tr[data-session]').all()) {
      const device = (await row.locator('td').first().textContent()) ?? '';
      found.set((await row.getAttribute('data-session')) ?? '', [
        device,
        (await row.getAttribute('class')) === 'current',
      ]);
    }
    return found;
  }

  async function sessionId(page: Page): Promise<string> {
    return ((await page.evaluate(async () => (await fetch('/api/session')).json())) as { id: string }).id;
  }

  it("lists one user's sessions on two devices and ends the other one, one by one and all at once", async (context) => {
    const phone = await browser!.newContext({ userAgent: PHONE_USER_AGENT });
    try {
      const laptopPage = await openPage(context);
      await logIn(laptopPage, 'grace', 'a', '#visits');
      const laptop = await sessionId(laptopPage);
      const phonePage = await openPage(context, phone);
      await logIn(phonePage, 'grace', 'a', '#visits');
      const first = await sessionId(phonePage);

      // Both in the laptop's panel, its own flagged current, each with its device.
      await laptopPage.waitForSelector('#session-rows[data-generation]');
      expect(await listed(laptopPage)).toEqual(
        new Map([
          [laptop, ['Chrome on Linux (this device)', true]],
          [first, ['Firefox on Android', false]],
        ]),
      );
      // The phone's own panel flags the phone.
      expect((await listed(phonePage)).get(first)).toEqual(['Firefox on Android (this device)', true]);

      // "Log out" on the phone's row: the phone sees the login form on its next request.
      await laptopPage.click(`#session-rows tr[data-session="${first}"] .end-session`);
      await laptopPage.waitForSelector('#sessions-status:has-text("Ended 1 session")');
      expect(await laptopPage.textContent('#sessions-status')).toContain('its tombstone is in Datastore');
      expect([...(await listed(laptopPage)).keys()]).toEqual([laptop]);
      await phonePage.reload();
      await phonePage.waitForSelector('#login');
      expect(await sessionCookie(phonePage)).toBeUndefined();

      // Again, and this time "Log out other sessions".
      await logIn(phonePage, 'grace', 'a', '#visits');
      const second = await sessionId(phonePage);
      expect([...(await listed(laptopPage)).keys()].sort()).toEqual([laptop, second].sort());
      await laptopPage.click('#logout-others');
      await laptopPage.waitForSelector('#sessions-status:has-text("Ended 1 session")');
      await phonePage.reload();
      await phonePage.waitForSelector('#login');
      const { datastore, namespace } = apps!.datastore;
      for (const id of [first, second]) {
        const [ended] = (await datastore.get(datastore.key({ namespace, path: ['Session', id] }))) as [
          Record<string, unknown> | undefined,
        ];
        expect(ended?.tombstone).toBe(true);
      }

      // The laptop keeps working.
      await laptopPage.reload();
      expect(await laptopPage.textContent('#who')).toBe('grace');
      expect(await sessionId(laptopPage)).toBe(laptop);
      await laptopPage.close();
    } finally {
      await phone.close();
    }
  });
});
