import { describe, expect, it } from 'vitest';
import { barLine, createProgress, etaMs, formatDuration, plainLine, rateOf } from './progress.js';

/** What a terminal redraw starts with: carriage return, erase the line. */
const ERASE = '\r\u001b[K';

/** A progress on a fake clock, its output collected. */
function harness(options: { tty: boolean; total?: number; columns?: number; delayMs?: number }) {
  let time = 1_000_000;
  const writes: string[] = [];
  const progress = createProgress({
    label: 'purge',
    unit: 'entities',
    now: () => time,
    write: (text) => writes.push(text),
    ...options,
  });
  return {
    progress,
    writes,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

describe('rate and ETA', () => {
  it('counts per second and extrapolates the time left', () => {
    expect(rateOf(500, 2000)).toBe(250);
    expect(rateOf(5, 0)).toBe(0);
    expect(etaMs(250, 1000, 1000)).toBe(3000);
    expect(etaMs(1000, 1000, 4000)).toBe(0);
    expect(etaMs(1200, 1000, 4000)).toBe(0);
    expect(etaMs(0, 1000, 1000)).toBeUndefined();
    expect(etaMs(10, undefined, 1000)).toBeUndefined();
  });

  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(44_600)).toBe('45s');
    expect(formatDuration(185_000)).toBe('3m05s');
    expect(formatDuration(3_720_000)).toBe('1h02m');
  });
});

describe('lines', () => {
  const base = { label: 'purge', unit: 'entities', elapsedMs: 3000, finished: false } as const;

  it('plain: count, percentage, rate and ETA; without a total, count and rate', () => {
    expect(plainLine({ ...base, done: 1200, total: 4800 })).toBe('purge: 1200/4800 entities (25%), 400/s, ETA 9s');
    expect(plainLine({ ...base, done: 30, total: undefined })).toBe('purge: 30 entities, 10.0/s');
    expect(plainLine({ ...base, done: 4800, total: 4800, finished: true })).toBe(
      'purge: 4800/4800 entities (100%), 1600/s, took 3s',
    );
  });

  it('bar: filled in proportion, never wider than the terminal', () => {
    const line = barLine({ ...base, done: 50, total: 100 }, 80);
    expect(line).toMatch(/^purge \[(#+)(-+)\] 50\/100 entities \(50%\), 16\.7\/s, ETA 3s$/);
    const [, filled = '', empty = ''] = /\[(#*)(-*)\]/.exec(line) ?? [];
    expect(Math.abs(filled.length - empty.length)).toBeLessThanOrEqual(1);
    expect(line.length).toBeLessThan(80);
    expect(barLine({ ...base, done: 100, total: 100 }, 80)).toMatch(/\[#+\] 100\/100/);
    // Too narrow for a bar: the figures, cut to fit.
    expect(barLine({ ...base, done: 50, total: 100 }, 30)).not.toContain('[');
    expect(barLine({ ...base, done: 50, total: 100 }, 30).length).toBeLessThan(30);
  });
});

describe('createProgress', () => {
  it('on a terminal redraws one line in place, at most every 100 ms, and ends it with a newline', () => {
    const { progress, writes, advance } = harness({ tty: true, total: 1000 });
    progress.update(0);
    advance(50);
    progress.update(10); // too soon: not drawn
    advance(60);
    progress.update(100);
    advance(1000);
    progress.update(600);
    expect(writes).toHaveLength(3);
    for (const write of writes) expect(write.startsWith(`${ERASE}purge [`)).toBe(true);
    expect(writes.every((write) => !write.includes('\n'))).toBe(true);
    expect(writes[2]).toContain('600/1000 entities (60%)');
    expect(writes[2]).toContain('ETA');
    progress.finish();
    expect(writes.at(-1)?.startsWith(ERASE)).toBe(true);
    expect(writes.at(-1)?.slice(ERASE.length)).toMatch(
      /^purge \[#+-+\] 600\/1000 entities \(60%\), 541\/s, took 1s\n$/,
    );
  });

  it('clears the bar for another line and draws it again at the next update', () => {
    const { progress, writes, advance } = harness({ tty: true, total: 10 });
    progress.update(1);
    progress.clear();
    expect(writes.at(-1)).toBe(ERASE);
    advance(1);
    progress.update(2); // right away, though within the redraw interval
    expect(writes.at(-1)).toContain('2/10');
  });

  it('elsewhere writes whole lines, at most one per 5 s, and a last one', () => {
    const { progress, writes, advance } = harness({ tty: false });
    progress.update(0, 400);
    for (let i = 1; i <= 40; i++) {
      advance(250);
      progress.update(i * 10);
    }
    progress.finish();
    expect(writes).toEqual([
      'purge: 0/400 entities (0%), 0.0/s\n',
      'purge: 200/400 entities (50%), 40.0/s, ETA 5s\n',
      'purge: 400/400 entities (100%), 40.0/s, ETA 0s\n',
      'purge: 400/400 entities (100%), 40.0/s, took 10s\n',
    ]);
    // Nothing after the end; clear() has no bar to erase.
    progress.update(500);
    progress.clear();
    progress.finish();
    expect(writes).toHaveLength(4);
  });

  it('grows the total when more is done than announced, and takes a new total', () => {
    const { progress, writes, advance } = harness({ tty: false, total: 5 });
    advance(1000);
    progress.update(8);
    expect(writes.at(-1)).toBe('purge: 8/8 entities (100%), 8.0/s, ETA 0s\n');
    advance(5000);
    progress.update(9, 20);
    expect(writes.at(-1)).toBe('purge: 9/20 entities (45%), 1.5/s, ETA 7s\n');
  });

  it('stays quiet for work shorter than its delay, and shows the rest once it is longer', () => {
    const quick = harness({ tty: false, delayMs: 1000 });
    quick.progress.update(5);
    quick.advance(900);
    quick.progress.update(10);
    quick.progress.finish();
    expect(quick.writes).toEqual([]);
    const slow = harness({ tty: false, delayMs: 1000 });
    slow.progress.update(5);
    slow.advance(1000);
    slow.progress.update(10);
    slow.progress.finish();
    expect(slow.writes).toEqual(['purge: 10 entities, 10.0/s\n', 'purge: 10 entities, 10.0/s, took 1s\n']);
  });
});
