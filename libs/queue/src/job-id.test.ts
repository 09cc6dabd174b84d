import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jobIdOf } from './job-id.js';

/** BullMQ's own checks on a custom job id (bullmq/dist/esm/classes/job.js, validateOptions). */
function bullmqAccepts(jobId: string): boolean {
  return jobId !== '' && String(Number.parseInt(jobId, 10)) !== jobId && !jobId.includes(':');
}

describe('jobIdOf', () => {
  it('keeps a real event id as it is', () => {
    const id = `${randomBytes(32).toString('base64url')}.17`;
    expect(jobIdOf(id)).toBe(id);
  });

  it('escapes what BullMQ refuses: colons and ids that read as integers', () => {
    expect(jobIdOf('a:b')).toBe('a%3Ab');
    expect(jobIdOf('42')).toBe('%342');
    expect(jobIdOf('-7')).toBe('%2D7');
    expect(jobIdOf('100%')).toBe('100%25');
    for (const id of ['a:b', '42', '-7', '0']) expect(bullmqAccepts(jobIdOf(id))).toBe(true);
  });

  it('refuses an empty id', () => {
    expect(() => jobIdOf('')).toThrow(expect.objectContaining({ code: 'EVENT_INVALID' }));
  });

  it('is always acceptable to BullMQ', () => {
    const ids = fc.oneof(fc.string({ minLength: 1 }), fc.stringMatching(/^[-0-9:%.]{1,8}$/), fc.integer().map(String));
    fc.assert(
      fc.property(ids, (id) => {
        const jobId = jobIdOf(id);
        expect(bullmqAccepts(jobId)).toBe(true);
      }),
    );
  });

  it('is injective: different event ids never share a job id', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        fc.pre(a !== b);
        expect(jobIdOf(a)).not.toBe(jobIdOf(b));
      }),
    );
  });
});
