import type { RetrySpec } from './queue-spec.js';

/**
 * Delay before retry number `retryNumber` (1 = the first retry), in ms: `minBackoff`, doubled
 * `maxDoublings` times, then growing linearly by the last doubled step, never above `maxBackoff`.
 * With min 10 s, max 300 s and 3 doublings: 10, 20, 40, 80, 160, 240, 300, 300, ... s.
 */
export function backoffMs(retry: RetrySpec, retryNumber: number): number {
  const step = Math.max(0, retryNumber - 1);
  const doublings = Math.min(step, retry.maxDoublings);
  const doubled = retry.minBackoffMs * 2 ** doublings;
  const delay = step <= retry.maxDoublings ? doubled : doubled * (1 + step - retry.maxDoublings);
  return Math.min(delay, retry.maxBackoffMs);
}

/**
 * Whether a task that just failed its `attempts`-th attempt is given up. When both limits are
 * set, both must be reached (App Engine: "retried until both limits are reached"); an unset limit
 * (-1 attempts, 0 age) does not hold the task back, and with neither set it retries forever.
 */
export function retriesExhausted(retry: RetrySpec, attempts: number, firstAttemptMs: number, nowMs: number): boolean {
  const byAttempts = retry.maxAttempts === -1 ? undefined : attempts >= retry.maxAttempts;
  const byAge = retry.maxRetryDurationMs === 0 ? undefined : nowMs - firstAttemptMs >= retry.maxRetryDurationMs;
  if (byAttempts === undefined && byAge === undefined) return false;
  return (byAttempts ?? true) && (byAge ?? true);
}
