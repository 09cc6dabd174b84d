import type { Datastore } from './context.js';

/** Time spent in one client method. */
export interface CallTimes {
  readonly calls: number;
  /** Sum of the calls' durations, ms (calls in flight together each count in full). */
  readonly totalMs: number;
  /** Most calls in flight at once. */
  readonly maxInFlight: number;
}

type Timed = 'runQuery' | 'delete';

/**
 * The same client, with the durations of its `runQuery` and `delete` calls recorded: what the
 * purge spends its time on. Everything else passes through untouched.
 */
export function timedClient(datastore: Datastore): { datastore: Datastore; times: () => Record<Timed, CallTimes> } {
  const stats = {
    runQuery: { calls: 0, totalMs: 0, maxInFlight: 0 },
    delete: { calls: 0, totalMs: 0, maxInFlight: 0 },
  };
  const inFlight = { runQuery: 0, delete: 0 };
  const timed =
    (name: Timed, call: (...args: unknown[]) => Promise<unknown>) =>
    async (...args: unknown[]) => {
      const started = performance.now();
      inFlight[name]++;
      stats[name].maxInFlight = Math.max(stats[name].maxInFlight, inFlight[name]);
      try {
        return await call(...args);
      } finally {
        inFlight[name]--;
        stats[name].calls++;
        stats[name].totalMs += performance.now() - started;
      }
    };
  const proxy = new Proxy(datastore, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== 'runQuery' && property !== 'delete') return value;
      // The client's overloads (callback or promise) are all called here in their promise form.
      return timed(property, (value as (...args: unknown[]) => Promise<unknown>).bind(target));
    },
  });
  return { datastore: proxy, times: () => ({ runQuery: { ...stats.runQuery }, delete: { ...stats.delete } }) };
}
