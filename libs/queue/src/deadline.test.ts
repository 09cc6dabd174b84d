import { describe, expect, it } from 'vitest';
import { withDeadline } from './deadline.js';

describe('withDeadline', () => {
  it('settles like the work when it finishes in time', async () => {
    await expect(withDeadline(Promise.resolve(7), 50, () => new Error('late'))).resolves.toBe(7);
    await expect(withDeadline(Promise.reject(new Error('boom')), 50, () => new Error('late'))).rejects.toThrow('boom');
  });

  it('rejects with the timeout error when the work takes too long', async () => {
    const started = Date.now();
    const never = new Promise<never>(() => undefined);
    await expect(withDeadline(never, 30, () => new Error('late'))).rejects.toThrow('late');
    expect(Date.now() - started).toBeLessThan(500);
  });
});
