import { describe, expect, it } from 'vitest';
import { queueSpecFromProto, queueToProto } from './queue-proto.js';

describe('queue <-> proto', () => {
  it('gives an empty CreateQueue request the Cloud Tasks defaults', () => {
    const { spec, problems } = queueSpecFromProto('q', {});
    expect(problems).toEqual([]);
    expect(spec).toEqual({
      id: 'q',
      maxDispatchesPerSecond: 500,
      maxBurstSize: 100,
      maxConcurrentDispatches: 1000,
      retry: { maxAttempts: 100, maxRetryDurationMs: 0, minBackoffMs: 100, maxBackoffMs: 3_600_000, maxDoublings: 16 },
    });
  });

  it('round-trips settings, deriving the burst size from the rate', () => {
    const { spec } = queueSpecFromProto('q', {
      rateLimits: { maxDispatchesPerSecond: 2.5, maxBurstSize: 999, maxConcurrentDispatches: 4 },
      retryConfig: { maxAttempts: 3, minBackoff: { nanos: 50_000_000 }, maxBackoff: { seconds: '2' }, maxDoublings: 1 },
      appEngineRoutingOverride: { service: 'worker', version: '' },
    });
    expect(spec.maxBurstSize).toBe(3);
    expect(spec.routingOverride).toEqual({ service: 'worker' });
    expect(queueToProto('projects/p/locations/l/queues/q', spec)).toEqual({
      name: 'projects/p/locations/l/queues/q',
      rateLimits: { maxDispatchesPerSecond: 2.5, maxBurstSize: 3, maxConcurrentDispatches: 4 },
      retryConfig: {
        maxAttempts: 3,
        maxRetryDuration: { seconds: '0', nanos: 0 },
        minBackoff: { seconds: '0', nanos: 50_000_000 },
        maxBackoff: { seconds: '2', nanos: 0 },
        maxDoublings: 1,
      },
      appEngineRoutingOverride: { service: 'worker' },
      state: 'RUNNING',
    });
  });

  it('reports settings over Cloud Tasks limits', () => {
    expect(queueSpecFromProto('q', { rateLimits: { maxDispatchesPerSecond: 600 } }).problems).toEqual([
      'rate must be between 0 and 500/s',
    ]);
    expect(queueSpecFromProto('q', { retryConfig: { maxAttempts: -2 } }).problems).toHaveLength(1);
  });
});
