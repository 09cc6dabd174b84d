import { describe, expect, it } from 'vitest';
import { deadLetterId, fitPayload } from './dead-letter-entity.js';
import { MAX_UNINDEXED_VALUE_BYTES } from './model.js';

describe('dead letter entity', () => {
  it('has a stable id per payload', () => {
    expect(deadLetterId('[1]')).toBe(deadLetterId('[1]'));
    expect(deadLetterId('[1]')).not.toBe(deadLetterId('[2]'));
    expect(deadLetterId('[1]')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('keeps payloads that fit and cuts the rest on a character boundary', () => {
    expect(fitPayload('abc')).toEqual({ payload: 'abc', truncated: false });
    const huge = '€'.repeat(MAX_UNINDEXED_VALUE_BYTES / 2);
    const fitted = fitPayload(huge);
    expect(fitted.truncated).toBe(true);
    expect(Buffer.byteLength(fitted.payload)).toBeLessThan(MAX_UNINDEXED_VALUE_BYTES);
    expect(fitted.payload.endsWith('€')).toBe(true);
  });
});
