import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { authorize, type AuthPolicy } from './auth.js';

const offAppEngine: AuthPolicy = { onAppEngine: false, queueName: 'session-events', sharedSecret: 's3cret' };
const onAppEngine: AuthPolicy = { onAppEngine: true, queueName: 'session-events', sharedSecret: undefined };
const platformHeaders: IncomingHttpHeaders = { 'x-appengine-queuename': 'session-events', 'x-appengine-cron': 'true' };

describe('authorize off App Engine', () => {
  it('accepts the shared secret on task and cron endpoints', () => {
    expect(authorize('task', { 'x-worker-secret': 's3cret' }, offAppEngine).ok).toBe(true);
    expect(authorize('cron', { 'x-worker-secret': 's3cret' }, offAppEngine).ok).toBe(true);
  });

  it('refuses a wrong, longer, shorter or missing secret', () => {
    for (const secret of ['s3creT', 's3cret!', 's3cre', '']) {
      expect(authorize('task', { 'x-worker-secret': secret }, offAppEngine).ok).toBe(false);
    }
    expect(authorize('task', {}, offAppEngine).ok).toBe(false);
  });

  it('gives X-AppEngine headers no weight: anyone can send them here', () => {
    expect(authorize('task', platformHeaders, offAppEngine).ok).toBe(false);
    expect(authorize('cron', platformHeaders, offAppEngine).ok).toBe(false);
  });

  it('refuses everything when no secret is configured', () => {
    const noSecret = { ...offAppEngine, sharedSecret: undefined };
    const decision = authorize('task', { ...platformHeaders, 'x-worker-secret': 'anything' }, noSecret);
    expect(decision).toEqual({ ok: false, reason: expect.stringContaining('WORKER_SHARED_SECRET') as string });
  });

  it('refuses a repeated secret header', () => {
    expect(authorize('task', { 'x-worker-secret': ['s3cret', 's3cret'] }, offAppEngine).ok).toBe(false);
  });
});

describe('authorize on App Engine', () => {
  it('accepts tasks of the configured queue only', () => {
    expect(authorize('task', { 'x-appengine-queuename': 'session-events' }, onAppEngine).ok).toBe(true);
    expect(authorize('task', { 'x-appengine-queuename': 'other-queue' }, onAppEngine).ok).toBe(false);
    expect(authorize('task', {}, onAppEngine).ok).toBe(false);
  });

  it('accepts cron only with X-Appengine-Cron: true', () => {
    expect(authorize('cron', { 'x-appengine-cron': 'true' }, onAppEngine).ok).toBe(true);
    expect(authorize('cron', { 'x-appengine-cron': 'false' }, onAppEngine).ok).toBe(false);
    expect(authorize('cron', {}, onAppEngine).ok).toBe(false);
  });

  it('does not let one platform header open the other endpoint', () => {
    expect(authorize('cron', { 'x-appengine-queuename': 'session-events' }, onAppEngine).ok).toBe(false);
    expect(authorize('task', { 'x-appengine-cron': 'true' }, onAppEngine).ok).toBe(false);
  });

  it('ignores the shared secret: only App Engine headers count there', () => {
    const withSecret = { ...onAppEngine, sharedSecret: 's3cret' };
    expect(authorize('task', { 'x-worker-secret': 's3cret' }, withSecret).ok).toBe(false);
  });
});

describe('authorize operator endpoints (/metrics)', () => {
  it('needs the shared secret everywhere: platform headers open nothing', () => {
    for (const policy of [offAppEngine, { ...onAppEngine, sharedSecret: 's3cret' }]) {
      expect(authorize('operator', { 'x-worker-secret': 's3cret' }, policy).ok).toBe(true);
      expect(authorize('operator', platformHeaders, policy).ok).toBe(false);
      expect(authorize('operator', { 'x-worker-secret': 'wrong' }, policy).ok).toBe(false);
    }
  });

  it('refuses everything without a configured secret, saying which variable to set', () => {
    expect(authorize('operator', { 'x-worker-secret': 'anything' }, onAppEngine)).toEqual({
      ok: false,
      reason: expect.stringContaining('WORKER_SHARED_SECRET') as string,
    });
  });
});
