import { describe, expect, it } from 'vitest';
import { EmulatorConfigError } from './config-error.js';
import { parseDuration, parseQueueYaml, parseRate } from './queue-yaml.js';

const FULL = `
total_storage_limit: 120M
queue:
- name: session-events
  rate: 500/s
  bucket_size: 40
  max_concurrent_requests: 100
  target: worker
  retry_parameters:
    task_retry_limit: 7
    task_age_limit: 2h
    min_backoff_seconds: 0.5
    max_backoff_seconds: 60
    max_doublings: 3
- name: slow
  rate: 30/m
  target: v2.worker
`;

function problemsOf(text: string): string {
  try {
    parseQueueYaml(text);
  } catch (error) {
    expect(error).toBeInstanceOf(EmulatorConfigError);
    expect((error as EmulatorConfigError).code).toBe('CONFIGURATION');
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('parseRate / parseDuration', () => {
  it('converts every unit', () => {
    expect(parseRate('500/s')).toBe(500);
    expect(parseRate('30/m')).toBe(0.5);
    expect(parseRate('36/h')).toBe(0.01);
    expect(parseRate('0/s')).toBe(0);
    expect(parseRate('1.5/s')).toBe(1.5);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1d')).toBe(86_400_000);
  });

  it('rejects what App Engine rejects', () => {
    for (const bad of ['500', '/s', '5/x', '-1/s', '5 per s', '']) expect(parseRate(bad)).toBeUndefined();
    for (const bad of ['2', 'h', '2w', '-1s']) expect(parseDuration(bad)).toBeUndefined();
  });
});

describe('parseQueueYaml', () => {
  it('reads every setting of a queue', () => {
    const { queues, skipped } = parseQueueYaml(FULL);
    expect(skipped).toEqual([]);
    expect(queues[0]).toEqual({
      id: 'session-events',
      maxDispatchesPerSecond: 500,
      maxBurstSize: 40,
      maxConcurrentDispatches: 100,
      // task_retry_limit counts retries; max attempts includes the first one.
      retry: {
        maxAttempts: 8,
        maxRetryDurationMs: 7_200_000,
        minBackoffMs: 500,
        maxBackoffMs: 60_000,
        maxDoublings: 3,
      },
      routingOverride: { service: 'worker' },
    });
  });

  it('fills App Engine defaults and reads version.service targets', () => {
    const slow = parseQueueYaml(FULL).queues[1];
    expect(slow).toEqual({
      id: 'slow',
      maxDispatchesPerSecond: 0.5,
      maxBurstSize: 5,
      maxConcurrentDispatches: 1000,
      retry: { maxAttempts: -1, maxRetryDurationMs: 0, minBackoffMs: 100, maxBackoffMs: 3_600_000, maxDoublings: 16 },
      routingOverride: { version: 'v2', service: 'worker' },
    });
  });

  it('adds the implicit default queue unless the file declares one', () => {
    expect(parseQueueYaml(FULL).queues.map((q) => q.id)).toEqual(['session-events', 'slow', 'default']);
    const declared = parseQueueYaml('queue:\n- name: default\n  rate: 1/s\n').queues;
    expect(declared).toHaveLength(1);
    expect(declared[0]?.maxDispatchesPerSecond).toBe(1);
    expect(parseQueueYaml('').queues.map((q) => q.id)).toEqual(['default']);
  });

  it('skips pull queues, which Cloud Tasks v2 does not serve', () => {
    const { queues, skipped } = parseQueueYaml('queue:\n- name: pulled\n  mode: pull\n');
    expect(skipped).toEqual(['pulled']);
    expect(queues.map((q) => q.id)).toEqual(['default']);
  });

  it('rejects typos instead of falling back to defaults', () => {
    expect(problemsOf('queue:\n- name: a\n  rate: 1/s\n  retry_parameters:\n    max_backof_seconds: 3\n')).toContain(
      'unknown key "retry_parameters.max_backof_seconds"',
    );
    expect(problemsOf('queue:\n- name: a\n  rate: 1/s\n  bucketsize: 3\n')).toContain('unknown key "bucketsize"');
    expect(problemsOf('queues:\n- name: a\n')).toContain('unknown top-level key "queues"');
  });

  it('reports every problem at once, with the queue it belongs to', () => {
    const message = problemsOf(`
queue:
- name: a
  rate: fast
- name: b
- name: a
  rate: 1/s
  bucket_size: 0
  retry_parameters:
    task_retry_limit: -1
    task_age_limit: forever
    min_backoff_seconds: 10
    max_backoff_seconds: 5
`);
    expect(message).toContain('queue[0] (a): rate "fast" must look like');
    expect(message).toContain('queue[1] (b): rate is required');
    expect(message).toContain('queue[2] (a): duplicate queue name');
    expect(message).toContain('bucket_size must be an integer >= 1, got 0');
    expect(message).toContain('task_retry_limit must be an integer >= 0, got -1');
    expect(message).toContain('task_age_limit "forever"');
    expect(message).toContain('max backoff must be >= min backoff');
  });

  it('enforces Cloud Tasks limits and id syntax', () => {
    expect(problemsOf('queue:\n- name: a\n  rate: 501/s\n')).toContain('rate must be between 0 and 500/s');
    expect(problemsOf('queue:\n- name: a\n  rate: 1/s\n  max_concurrent_requests: 5001\n')).toContain('max concurrent');
    expect(problemsOf('queue:\n- name: under_score\n  rate: 1/s\n')).toContain('letters, digits or dashes');
  });

  it('wraps YAML syntax errors', () => {
    expect(problemsOf('queue: [\n')).toContain('not valid YAML');
    expect(problemsOf('- just\n- a list\n')).toContain('top level must be a mapping');
  });
});
