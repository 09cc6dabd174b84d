import { isSessionError } from '@gaesession/core';
import { describe, expect, it } from 'vitest';
import { decodePurgeCursor, encodePurgeCursor } from './purge-cursor.js';

const kinds = ['Session', 'SessionEvent'];

describe('purge cursor', () => {
  it('round-trips a position as a URL-safe token', () => {
    const position = { cutoff: 1_700_000_000_000, kind: 'SessionEvent', cursor: 'CkES+/==' };
    const token = encodePurgeCursor(position);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePurgeCursor(token, kinds)).toEqual(position);
  });

  it('refuses damaged tokens and unknown kinds with DATASTORE_INVALID_CURSOR', () => {
    const attempts = [
      'not base64 json',
      Buffer.from('{"v":2,"cutoff":1,"kind":"Session"}').toString('base64url'),
      encodePurgeCursor({ cutoff: 1, kind: 'Other', cursor: undefined }),
    ];
    for (const token of attempts) {
      let caught: unknown;
      try {
        decodePurgeCursor(token, kinds);
      } catch (error) {
        caught = error;
      }
      expect(isSessionError(caught, 'DATASTORE_INVALID_CURSOR'), token).toBe(true);
    }
  });
});
