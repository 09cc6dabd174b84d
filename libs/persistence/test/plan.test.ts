import { describe, expect, it } from 'vitest';
import { liveEvent, newKey } from '@gaesession/testkit';
import { foldEvents } from '../src/fold.js';
import { planCommits } from '../src/plan.js';

const limits = { maxItems: 500, maxBytes: 9 * 1024 * 1024 };

describe('planCommits', () => {
  it('puts at most maxItems items in a commit and loses none', () => {
    const events = Array.from({ length: 1200 }, () => liveEvent(newKey(), 1, {}));
    const commits = planCommits(foldEvents(events), false, limits);
    expect(commits.map((c) => c.length)).toEqual([500, 500, 200]);
  });

  it('counts log items and keeps a session with its events', () => {
    const key = newKey();
    const events = [1, 2, 3].map((v) => liveEvent(key, v, {}));
    const commits = planCommits(foldEvents(events), true, limits);
    expect(commits).toHaveLength(1);
    expect(commits[0]?.map((item) => item.type)).toEqual(['session', 'log', 'log', 'log']);
  });

  it('spills the log items of a huge session into further commits', () => {
    const key = newKey();
    const events = Array.from({ length: 12 }, (_, i) => liveEvent(key, i + 1, {}));
    const commits = planCommits(foldEvents(events), true, { maxItems: 5, maxBytes: limits.maxBytes });
    expect(commits.map((c) => c.length)).toEqual([5, 5, 3]);
    expect(commits.flat().filter((item) => item.type === 'session')).toHaveLength(1);
  });

  it('logs a duplicated event once', () => {
    const key = newKey();
    const event = liveEvent(key, 1, {});
    const items = planCommits(foldEvents([event, event]), true, limits).flat();
    expect(items.filter((item) => item.type === 'log')).toHaveLength(1);
  });

  it('cuts commits by size too', () => {
    const big = { blob: 'x'.repeat(300_000) };
    const events = Array.from({ length: 10 }, () => liveEvent(newKey(), 1, big));
    const commits = planCommits(foldEvents(events), false, { maxItems: 500, maxBytes: 1_000_000 });
    expect(commits.map((c) => c.length)).toEqual([3, 3, 3, 1]);
  });
});
