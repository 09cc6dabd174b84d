import { gzipSync } from 'node:zlib';
import { isSessionError } from '@gaesession/core';
import { describe, expect, it } from 'vitest';
import { encodingMismatch, taskAttempt } from './task-request.js';

describe('taskAttempt', () => {
  it('numbers attempts from the retry count and marks the last one at the retry limit', () => {
    const headers = (retries: string) => ({
      'x-appengine-taskretrycount': retries,
      'x-appengine-queuename': 'session-events',
      'x-appengine-taskname': 'abc',
    });
    expect(taskAttempt(headers('0'), 20, 'q')).toEqual({
      attempt: 1,
      lastAttempt: false,
      source: 'cloud-tasks:session-events/abc',
    });
    expect(taskAttempt(headers('19'), 20, 'q').lastAttempt).toBe(false);
    expect(taskAttempt(headers('20'), 20, 'q')).toMatchObject({ attempt: 21, lastAttempt: true });
    expect(taskAttempt(headers('25'), 20, 'q').lastAttempt).toBe(true);
  });

  it('reads HTTP-target tasks too, and treats a request without counts as a first attempt', () => {
    expect(taskAttempt({ 'x-cloudtasks-taskretrycount': '3' }, 3, 'q')).toMatchObject({
      attempt: 4,
      lastAttempt: true,
    });
    expect(taskAttempt({}, 20, 'q')).toEqual({ attempt: 1, lastAttempt: false, source: 'cloud-tasks:q/unnamed' });
    expect(taskAttempt({ 'x-appengine-taskretrycount': 'x' }, 20, 'q').attempt).toBe(1);
  });
});

describe('encodingMismatch', () => {
  const gzipped = gzipSync(Buffer.from('[]'));
  it('accepts gzip bodies flagged gzip, and bodies without the header', () => {
    expect(encodingMismatch({ 'x-gaesession-encoding': 'gzip' }, gzipped)).toBeUndefined();
    expect(encodingMismatch({}, Buffer.from('[]'))).toBeUndefined();
    expect(encodingMismatch({}, gzipped)).toBeUndefined();
  });

  it('refuses a body the header misdescribes, or an unknown encoding', () => {
    expect(
      isSessionError(encodingMismatch({ 'x-gaesession-encoding': 'gzip' }, Buffer.from('[]')), 'EVENT_INVALID'),
    ).toBe(true);
    expect(isSessionError(encodingMismatch({ 'x-gaesession-encoding': 'br' }, gzipped), 'EVENT_INVALID')).toBe(true);
  });
});
