import { describe, expect, it } from 'vitest';
import { Cleanup } from './cleanup.js';

describe('Cleanup', () => {
  it('runs its steps newest first, once, and closes what it tracks', async () => {
    const cleanup = new Cleanup();
    const order: string[] = [];
    const closable = (name: string) => ({
      close: () => {
        order.push(name);
        return Promise.resolve();
      },
    });
    cleanup.add(() => order.push('a'));
    const tracked = cleanup.track(closable('b'));
    const started = await cleanup.tracking((name: string) => Promise.resolve(closable(name)))('c');
    expect(tracked).toHaveProperty('close');
    expect(started).toHaveProperty('close');
    await cleanup.run();
    expect(order).toEqual(['c', 'b', 'a']);
    await cleanup.run();
    expect(order).toHaveLength(3);
  });

  it('runs every step when some fail, then rethrows the failure (several as an AggregateError)', async () => {
    const cleanup = new Cleanup();
    let ran = 0;
    cleanup.add(() => (ran += 1));
    cleanup.add(() => Promise.reject(new Error('one')));
    await expect(cleanup.run()).rejects.toThrow('one');
    expect(ran).toBe(1);

    cleanup.add(
      () => Promise.reject(new Error('first')),
      () => {
        throw new Error('second');
      },
    );
    const failure: unknown = await cleanup.run().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AggregateError);
    expect((failure as AggregateError).errors.map((error: Error) => error.message)).toEqual(['second', 'first']);
  });
});
