// The demo in a real browser: Chromium (playwright-core) against the compiled web app and worker.
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { Page } from 'playwright-core';
import { startApps, type RunningApps } from '../../../infra/src/testing/apps.fixture.js';
import { buildRepository } from '../../../infra/src/testing/build.fixture.js';
import { launchChromium, type TestBrowser } from '../../../infra/src/testing/chromium.fixture.js';

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

  /** A fresh page with no cookies; on failure it leaves a screenshot and the apps' output. */
  async function openPage({ task, onTestFailed }: TestContext): Promise<Page> {
    await browser!.context.clearCookies();
    const page = await browser!.context.newPage();
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
    expect(await page.textContent('#visits')).toBe('1');
    await page.reload();
    await page.reload();
    expect(await page.textContent('#visits')).toBe('3');

    // The panel polls /api/durability until the worker has stored the version the page shows.
    const version = Number(await page.textContent('#version'));
    await page.waitForSelector('#durable.ok');
    expect(await page.textContent('#durable')).toBe(`durable (version ${version} stored)`);
    const session = (await page.evaluate(async () => (await fetch('/api/session')).json())) as { id: string };
    const { datastore, namespace } = apps!.datastore;
    const key = datastore.key({ namespace, path: ['Session', session.id] });
    const [stored] = (await datastore.get(key)) as [Record<string, unknown> | undefined];
    expect(stored?.version).toBe(version);
    expect((JSON.parse(String(stored?.data)) as { attrs: unknown }).attrs).toEqual({ visits: 3 });

    const cookie = await sessionCookie(page);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(await page.evaluate<string>('document.cookie')).not.toContain('sessid');

    await page.click('#logout');
    await page.waitForSelector('#login');
    expect(await page.isVisible('#visits')).toBe(false);
    expect(await sessionCookie(page)).toBeUndefined();
    // Logout is durable before the answer: a tombstone replaces the session.
    const [tombstone] = (await datastore.get(key)) as [Record<string, unknown> | undefined];
    expect(tombstone?.tombstone).toBe(true);
    await page.close();
  });
});
