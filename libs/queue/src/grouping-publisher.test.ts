import type { SessionEvent } from '@gaesession/events';
import { describe, expect, it } from 'vitest';
import { QueueUnavailableError } from './errors.js';
import { GroupingPublisher } from './grouping-publisher.js';
import type { EventPublisher } from './publisher.js';
import { sampleEvent } from './queue.fixture.js';

/** An in-process publisher whose publishes stay in flight until the test settles them. */
class ManualPublisher implements EventPublisher {
  readonly calls: { events: readonly SessionEvent[]; settle: (error?: Error) => void }[] = [];
  closed = false;
  readonly maxEventBytes = 1000;

  publish(events: readonly SessionEvent[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = (error?: Error): void => {
        if (error === undefined) resolve();
        else reject(error);
      };
      this.calls.push({ events, settle });
    });
  }

  check(): Promise<void> {
    return this.closed ? Promise.reject(new Error('closed')) : Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  /** Settles call `index` and lets the grouping publisher react. */
  async settle(index: number, error?: Error): Promise<void> {
    this.calls[index]!.settle(error);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Records how a promise settled, without awaiting it. */
function outcome(promise: Promise<void>): { state: 'pending' | 'resolved' | 'rejected'; error?: unknown } {
  const seen: { state: 'pending' | 'resolved' | 'rejected'; error?: unknown } = { state: 'pending' };
  promise.then(
    () => (seen.state = 'resolved'),
    (error: unknown) => Object.assign(seen, { state: 'rejected', error }),
  );
  return seen;
}

describe('GroupingPublisher', () => {
  it('sends a publish at once when nothing is in flight', () => {
    const inner = new ManualPublisher();
    const grouping = new GroupingPublisher(inner);
    const event = sampleEvent();
    void grouping.publish([event]);
    expect(inner.calls.map((call) => call.events)).toEqual([[event]]);
  });

  it('collects publishes that arrive while one is in flight into the next batch', async () => {
    const inner = new ManualPublisher();
    const grouping = new GroupingPublisher(inner);
    const [a, b, c, d] = [sampleEvent(), sampleEvent(), sampleEvent(), sampleEvent()];
    const first = outcome(grouping.publish([a]));
    const rest = [outcome(grouping.publish([b])), outcome(grouping.publish([c, d]))];
    expect(inner.calls).toHaveLength(1);

    await inner.settle(0);
    expect(first.state).toBe('resolved');
    expect(rest.map((seen) => seen.state)).toEqual(['pending', 'pending']);
    expect(inner.calls.map((call) => call.events)).toEqual([[a], [b, c, d]]);

    await inner.settle(1);
    expect(rest.map((seen) => seen.state)).toEqual(['resolved', 'resolved']);
    expect(inner.calls).toHaveLength(2);
  });

  it('bounds a batch by maxBatch, sending a larger single publish whole and alone', async () => {
    const inner = new ManualPublisher();
    const grouping = new GroupingPublisher(inner, { maxBatch: 3 });
    void grouping.publish([sampleEvent()]);
    for (const size of [2, 1, 5, 1]) void grouping.publish(Array.from({ length: size }, () => sampleEvent()));
    for (let index = 0; index < 4; index += 1) await inner.settle(index);
    expect(inner.calls.map((call) => call.events.length)).toEqual([1, 3, 5, 1]);
  });

  it('rejects exactly the callers whose batch failed', async () => {
    const inner = new ManualPublisher();
    const grouping = new GroupingPublisher(inner);
    const first = outcome(grouping.publish([sampleEvent()]));
    const second = [outcome(grouping.publish([sampleEvent()])), outcome(grouping.publish([sampleEvent()]))];
    await inner.settle(0);
    const third = outcome(grouping.publish([sampleEvent()]));
    const failure = new QueueUnavailableError('redis is down');
    await inner.settle(1, failure);
    await inner.settle(2);
    expect(first.state).toBe('resolved');
    expect(second).toEqual([
      { state: 'rejected', error: failure },
      { state: 'rejected', error: failure },
    ]);
    expect(third.state).toBe('resolved');
  });

  it('rejects the callers of a publisher that throws instead of rejecting, and carries on', async () => {
    let calls = 0;
    const grouping = new GroupingPublisher({
      maxEventBytes: 1000,
      check: () => Promise.resolve(),
      publish: () => {
        calls += 1;
        if (calls === 1) throw new Error('thrown');
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    });
    await expect(grouping.publish([sampleEvent()])).rejects.toThrow('thrown');
    await expect(grouping.publish([sampleEvent()])).resolves.toBeUndefined();
  });

  it('sends what is waiting on close, closes the inner publisher, then refuses publishes', async () => {
    const inner = new ManualPublisher();
    const grouping = new GroupingPublisher(inner);
    const pending = [outcome(grouping.publish([sampleEvent()])), outcome(grouping.publish([sampleEvent()]))];
    const closing = grouping.close();
    await inner.settle(0);
    expect(inner.closed).toBe(false);
    await inner.settle(1);
    await closing;
    expect(pending.map((seen) => seen.state)).toEqual(['resolved', 'resolved']);
    expect(inner.closed).toBe(true);
    await expect(grouping.publish([sampleEvent()])).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
  });

  it('refuses a maxBatch below one', () => {
    expect(() => new GroupingPublisher(new ManualPublisher(), { maxBatch: 0 })).toThrow(
      expect.objectContaining({ code: 'SESSION_CONFIGURATION' }),
    );
  });

  it('resolves an empty publish without calling the inner publisher', async () => {
    const inner = new ManualPublisher();
    await new GroupingPublisher(inner).publish([]);
    expect(inner.calls).toHaveLength(0);
  });
});
