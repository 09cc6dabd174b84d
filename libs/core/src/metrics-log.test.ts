import { describe, expect, it } from 'vitest';
import type { LogFields, Logger } from './logger.js';
import { MetricsLog } from './metrics-log.js';

function recorder(): { logger: Logger; lines: { level: string; message: string; fields?: LogFields }[] } {
  const lines: { level: string; message: string; fields?: LogFields }[] = [];
  const logger: Logger = {
    info: (message, fields) => lines.push({ level: 'info', message, ...(fields === undefined ? {} : { fields }) }),
    warn: (message, fields) => lines.push({ level: 'warn', message, ...(fields === undefined ? {} : { fields }) }),
    error: (message, fields) => lines.push({ level: 'error', message, ...(fields === undefined ? {} : { fields }) }),
    child: () => logger,
  };
  return { logger, lines };
}

describe('MetricsLog', () => {
  it('logs what was counted since the last line, and nothing when nothing was', () => {
    const { logger, lines } = recorder();
    const metrics = new MetricsLog({ logger, scope: 'store', intervalMs: 0 });
    metrics.increment('cache_hit');
    metrics.increment('cache_hit', 2);
    metrics.flush();
    metrics.flush();
    metrics.increment('cache_miss');
    metrics.close();
    expect(lines).toEqual([
      { level: 'info', message: 'metrics', fields: { metrics: { store: { cache_hit: 3 } } } },
      { level: 'info', message: 'metrics', fields: { metrics: { store: { cache_miss: 1 } } } },
    ]);
    expect(metrics.totals()).toEqual({ cache_hit: 3, cache_miss: 1 });
  });

  it('warns about an alerting counter at once, then at most once per interval while it goes on', () => {
    const { logger, lines } = recorder();
    let now = 0;
    const metrics = new MetricsLog({
      logger,
      scope: 'store',
      intervalMs: 60_000,
      alerting: (counter) => counter.startsWith('degraded_'),
      now: () => now,
    });
    for (let i = 0; i < 10; i++) metrics.increment('degraded_queue_fallback');
    metrics.increment('cache_hit');
    now = 61_000;
    metrics.increment('degraded_queue_fallback');
    metrics.close();
    expect(lines.filter((line) => line.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: 'degraded: degraded_queue_fallback',
        fields: { counter: 'degraded_queue_fallback', total: 1 },
      },
      {
        level: 'warn',
        message: 'degraded: degraded_queue_fallback',
        fields: { counter: 'degraded_queue_fallback', total: 11 },
      },
    ]);
  });
});
