import { describe, expect, it } from 'vitest';
import { Device, serve, USER_AGENTS } from './web.fixture.js';

/** Logs in through the HTML form, as the page does. */
async function formLogin(device: Device, user: string): Promise<void> {
  const body = new URLSearchParams({ user, password: 'a' }).toString();
  const answer = await device.call('POST', '/login', body, { 'content-type': 'application/x-www-form-urlencoded' });
  expect(answer.status).toBe(303);
}

function visits(html: string): number {
  return Number(/id="visits">(\d+)</.exec(html)?.[1]);
}

describe('the demo page', () => {
  it('shows 0 visits on the first page after login, then counts each refresh', async () => {
    const { url } = await serve();
    const device = new Device(url, USER_AGENTS.chromeLinux);
    await formLogin(device, 'ada');
    expect(visits((await device.call('GET', '/')).text)).toBe(0);
    expect(visits((await device.call('GET', '/')).text)).toBe(1);
    expect(visits((await device.call('GET', '/')).text)).toBe(2);
    expect((await device.call('GET', '/api/session')).json).toMatchObject({ user: 'ada', attrs: { visits: 2 } });
  });

  it('logs in through the form with the user as principal and the device label kept', async () => {
    const { url } = await serve();
    const device = new Device(url, USER_AGENTS.edgeWindows);
    await formLogin(device, '  ada ');
    const { sessions } = (await device.call('GET', '/api/sessions')).json as { sessions: { device: string }[] };
    expect(sessions).toEqual([expect.objectContaining({ device: 'Edge on Windows', current: true })]);
    const page = (await device.call('GET', '/')).text;
    expect(page).toContain('<strong id="who">ada</strong>');
    expect(page).toContain('id="sessions-panel"');
    expect(page).toContain('Log out other sessions');
  });

  it('explains the session label and the durability line', async () => {
    const { url } = await serve();
    const device = new Device(url, USER_AGENTS.chromeLinux);
    const id = await device.login('ada');
    const page = (await device.call('GET', '/')).text;
    expect(page).toContain(`<code id="session-label">${id.slice(0, 12)}…</code>`);
    expect(page).toContain('a SHA-256 hash of the random token in your cookie');
    expect(page).toContain('never the token itself');
    expect(page).toMatch(/<em>Durable<\/em> means Datastore holds this version/);
    expect(page).not.toContain(device.cookie!.slice(7, 50));
  });

  it('escapes the user name everywhere it shows', async () => {
    const { url } = await serve();
    const device = new Device(url, USER_AGENTS.chromeLinux);
    await formLogin(device, '<img src=x onerror=alert(1)>');
    const page = (await device.call('GET', '/')).text;
    expect(page).not.toContain('<img src=x');
    expect(page.match(/&#60;img src=x onerror=alert\(1\)&#62;/g)).toHaveLength(2);
  });

  it('says after a logout that the session ended and where its tombstone is', async () => {
    const { url } = await serve();
    const device = new Device(url, USER_AGENTS.chromeLinux);
    await formLogin(device, 'ada');
    const logout = await device.call('POST', '/logout', '', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(logout.status).toBe(303);
    expect(device.cookie).toBeUndefined();
    const res = await fetch(`${url}/?logged-out`);
    const page = await res.text();
    expect(page).toContain('id="login"');
    // This app runs without a repository (cache only): the tombstone is in the cache.
    expect(page).toContain('You are logged out. Your session ended: its tombstone is in the cache');
    expect(await (await fetch(`${url}/`)).text()).not.toContain('logged out');
  });

  it('answers /favicon.ico without a 404 and without a session, and declares an inline icon', async () => {
    const { url } = await serve();
    const res = await fetch(`${url}/favicon.ico`);
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await (await fetch(`${url}/`)).text()).toContain('<link rel="icon" href="data:image/svg+xml,');
  });
});
