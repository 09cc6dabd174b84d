import { afterEach, describe, expect, it } from 'vitest';
import type { DispatchOutcome } from './http-dispatch.js';
import { emptyStats } from './observe.js';
import { API_QUEUE_DEFAULTS } from './queue-spec.js';
import { QueueRunner } from './queue-runner.js';
import type { TaskState } from './task-state.js';

const QUEUE = 'projects/p/locations/l/queues/q';

function task(id: string): TaskState {
  return {
    name: `${QUEUE}/tasks/${id}`,
    id,
    target: { kind: 'http', method: 'POST', url: 'http://127.0.0.1:1/', headers: {}, body: Buffer.alloc(0) },
    createTimeMs: Date.now(),
    scheduleTimeMs: Date.now(),
    dispatchCount: 0,
    responseCount: 0,
    executionCount: 0,
  };
}

describe('QueueRunner', () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  afterEach(() => {
    process.off('warning', onWarning);
    warnings.length = 0;
  });

  it('holds as many attempts in flight as max_concurrent_requests without a listener-leak warning', async () => {
    process.on('warning', onWarning);
    const answers: ((outcome: DispatchOutcome) => void)[] = [];
    const stats = emptyStats();
    const runner = new QueueRunner(
      QUEUE,
      { id: 'q', ...API_QUEUE_DEFAULTS, maxBurstSize: 100, maxConcurrentDispatches: 50 },
      {
        targets: {},
        defaultDispatchDeadlineMs: 60_000,
        // Like sendRequest: each attempt in flight listens for the runner's abort.
        send: (_request, _deadline, signal) =>
          new Promise((resolve) => {
            const onAbort = () => {
              resolve({ kind: 'failure', reason: 'aborted', timedOut: false });
            };
            signal.addEventListener('abort', onAbort);
            answers.push((outcome) => {
              signal.removeEventListener('abort', onAbort);
              resolve(outcome);
            });
          }),
        log: () => undefined,
        stats,
        onTaskGone: () => undefined,
      },
    );
    for (let i = 0; i < 30; i++) runner.add(task(`t${i}`));
    expect(answers).toHaveLength(30);
    // Node reports a leak on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.map((warning) => warning.name)).not.toContain('MaxListenersExceededWarning');

    for (const answer of answers) answer({ kind: 'response', status: 200 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stats.succeeded).toBe(30);
    await runner.close();
  });
});
