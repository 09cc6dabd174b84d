import { describe, expect, it } from 'vitest';
import { memoryTrend, metricValue, sampleTable, type SoakSample } from './soak-sampler.js';

const sample = (atS: number, heap: number, rss = 100): SoakSample => ({
  atS,
  requestsPerS: 200,
  errorRate: 0,
  p50Ms: 2,
  p99Ms: 9,
  queued: 0,
  oldestEventMs: 0,
  workerRssMiB: rss,
  workerHeapMiB: heap,
  webRssMiB: rss,
});

describe('metricValue', () => {
  it('reads a metric line of the Prometheus text format', () => {
    const text = '# HELP x_bytes help\n# TYPE x_bytes gauge\nx_bytes 1234 1700000000\nx_bytes_total 9\n';
    expect(metricValue(text, 'x_bytes')).toBe(1234);
    expect(metricValue(text, 'y')).toBeUndefined();
  });
});

describe('memoryTrend', () => {
  it('compares the halves after the warm-up: resident sets by median, the heap by its lowest sample', () => {
    const heaps = [300, 40, 90, 45, 120, 44, 42, 130];
    const samples = heaps.map((heap, i) => sample((i + 1) * 10, heap, 100 + i));
    const trend = memoryTrend(samples, 20);
    // Steady: t = 20..80 (7 samples); halves of 3: t = 20..40 and t = 60..80.
    expect(trend.workerHeap).toEqual([40, 42]);
    expect(trend.workerRss).toEqual([102, 106]);
    expect(trend.flat).toBe(true);
  });

  it('calls memory growing when it keeps climbing', () => {
    const samples = [20, 40, 60, 80, 100, 120].map((heap, i) => sample((i + 1) * 10, heap, 100 + i * 30));
    const trend = memoryTrend(samples, 0);
    expect(trend.flat).toBe(false);
  });

  it('is not flat without enough samples to tell', () => {
    expect(memoryTrend([sample(10, 1)], 0).flat).toBe(false);
  });
});

describe('sampleTable', () => {
  it('prints one row per sample', () => {
    const lines = sampleTable([sample(10, 40)]).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('| 10 | 200 | 0.00 % | 2.0 | 9.0 | 0 | 0 | 100 | 40 | 100 |');
  });
});
