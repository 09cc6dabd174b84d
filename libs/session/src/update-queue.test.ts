import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { applyOps, InvalidOperationError, type Op, type SessionRecord } from '@gaesession/core';
import { UpdateQueue, type UpdateWriter } from './update-queue.js';

const base: SessionRecord = { key: 'k', version: 1, created: 0, accessed: 0, timeout: 1000, constants: {}, attrs: {} };
const incr = (by: number): Op[] => [{ op: 'incr', name: 'n', by }];

/** A writer over one in-memory record, counting its calls. */
function writer(): { write: UpdateWriter; calls: (readonly Op[])[]; stored: () => SessionRecord } {
  let stored = base;
  const calls: (readonly Op[])[] = [];
  const write: UpdateWriter = async (_from, ops) => {
    calls.push(ops);
    await sleep(5);
    stored = { ...stored, version: stored.version + 1, attrs: applyOps(stored.attrs, ops) };
    return stored;
  };
  return { write, calls, stored: () => stored };
}

describe('UpdateQueue', () => {
  it('writes the first update at once and merges the ones that queue behind it', async () => {
    const queue = new UpdateQueue();
    const w = writer();
    const records = await Promise.all(Array.from({ length: 20 }, () => queue.update(base, incr(1), w.write)));
    expect(w.stored().attrs.n).toBe(20);
    expect(w.calls.map((ops) => ops.length)).toEqual([1, 19]);
    expect(records[0]?.version).toBe(2);
    expect(new Set(records.slice(1).map((r) => r.version))).toEqual(new Set([3]));
  });

  it('keeps keys apart', async () => {
    const queue = new UpdateQueue();
    const a = writer();
    const b = writer();
    await Promise.all([
      queue.update(base, incr(1), a.write),
      queue.update({ ...base, key: 'other' }, incr(1), b.write),
    ]);
    expect([a.calls.length, b.calls.length]).toEqual([1, 1]);
  });

  it('gives each request its own outcome when a merged write fails', async () => {
    const queue = new UpdateQueue();
    const w = writer();
    const failing: UpdateWriter = (from, ops) =>
      ops.some((op) => op.op === 'incr' && op.by === 13)
        ? Promise.reject(new InvalidOperationError('unlucky'))
        : w.write(from, ops);
    const results = await Promise.allSettled([1, 2, 13, 4].map((by) => queue.update(base, incr(by), failing)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(w.stored().attrs.n).toBe(7);
  });

  it('goes on with the queue after the first write fails', async () => {
    const queue = new UpdateQueue();
    const w = writer();
    let first = true;
    const flaky: UpdateWriter = (from, ops) => {
      if (first) {
        first = false;
        return Promise.reject(new Error('down'));
      }
      return w.write(from, ops);
    };
    const results = await Promise.allSettled([1, 2, 3].map((by) => queue.update(base, incr(by), flaky)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(w.stored().attrs.n).toBe(5);
  });
});
