/** Where App Engine sends a queue's tasks when the task itself does not say. */
export interface RoutingSpec {
  /** App Engine service, e.g. `worker`. Unset: the task's own routing, else `default`. */
  service?: string;
  /** Service version. Unset: the version currently serving. */
  version?: string;
}

/** Retry settings of one queue, in milliseconds (the units the emulator computes in). */
export interface RetrySpec {
  /** Attempts per task, the first included; -1 means unlimited. */
  maxAttempts: number;
  /** Time limit for retrying, measured from the first attempt, in ms; 0 means unlimited. */
  maxRetryDurationMs: number;
  /** Delay before the first retry, in ms. */
  minBackoffMs: number;
  /** Longest delay between retries, in ms. */
  maxBackoffMs: number;
  /** How many times the delay doubles before it grows linearly. */
  maxDoublings: number;
}

/** One queue's configuration, whether it came from queue.yaml or from CreateQueue. */
export interface QueueSpec {
  /** Short queue id, e.g. `session-events` (letters, digits, dashes; at most 100). */
  id: string;
  /** Token bucket refill rate, tasks per second (0 pauses dispatching). */
  maxDispatchesPerSecond: number;
  /** Token bucket size: how many tasks may go out back to back. */
  maxBurstSize: number;
  /** Most tasks of this queue in flight at once. */
  maxConcurrentDispatches: number;
  retry: RetrySpec;
  /** Routing that overrides every task's own App Engine routing. */
  routingOverride?: RoutingSpec;
}

/** Cloud Tasks limits, enforced on queue.yaml and CreateQueue alike. */
export const LIMITS = { maxDispatchesPerSecond: 500, maxConcurrentDispatches: 5000 } as const;

/** What Cloud Tasks picks for a queue created through the API without settings. */
export const API_QUEUE_DEFAULTS: Omit<QueueSpec, 'id'> = {
  maxDispatchesPerSecond: 500,
  maxBurstSize: 100,
  maxConcurrentDispatches: 1000,
  retry: { maxAttempts: 100, maxRetryDurationMs: 0, minBackoffMs: 100, maxBackoffMs: 3_600_000, maxDoublings: 16 },
};

/** What App Engine assumes for a queue.yaml entry that leaves a setting out. */
export const YAML_QUEUE_DEFAULTS = {
  bucketSize: 5,
  maxConcurrentRequests: 1000,
  retry: { maxAttempts: -1, maxRetryDurationMs: 0, minBackoffMs: 100, maxBackoffMs: 3_600_000, maxDoublings: 16 },
} as const;

/** App Engine always has a `default` queue (5/s, bucket 5), even when queue.yaml omits it. */
export const IMPLICIT_DEFAULT_QUEUE: QueueSpec = {
  id: 'default',
  maxDispatchesPerSecond: 5,
  maxBurstSize: YAML_QUEUE_DEFAULTS.bucketSize,
  maxConcurrentDispatches: YAML_QUEUE_DEFAULTS.maxConcurrentRequests,
  retry: { ...YAML_QUEUE_DEFAULTS.retry },
};

/** Burst size Cloud Tasks derives for API-created queues: about one second's worth of tasks. */
export function burstSizeForRate(maxDispatchesPerSecond: number): number {
  return Math.max(1, Math.min(API_QUEUE_DEFAULTS.maxBurstSize, Math.ceil(maxDispatchesPerSecond)));
}

/** Problems with a spec, as sentences; empty when the spec is usable. */
export function validateQueueSpec(spec: QueueSpec): string[] {
  const problems: string[] = [];
  const { retry } = spec;
  if (!/^[A-Za-z0-9-]{1,100}$/.test(spec.id))
    problems.push(`queue id "${spec.id}" must be 1-100 letters, digits or dashes`);
  if (!(spec.maxDispatchesPerSecond >= 0 && spec.maxDispatchesPerSecond <= LIMITS.maxDispatchesPerSecond))
    problems.push(`rate must be between 0 and ${LIMITS.maxDispatchesPerSecond}/s`);
  if (!(Number.isInteger(spec.maxBurstSize) && spec.maxBurstSize >= 1))
    problems.push('bucket size must be an integer >= 1');
  if (!(
    Number.isInteger(spec.maxConcurrentDispatches) &&
    spec.maxConcurrentDispatches >= 1 &&
    spec.maxConcurrentDispatches <= LIMITS.maxConcurrentDispatches
  ))
    problems.push(`max concurrent requests must be an integer between 1 and ${LIMITS.maxConcurrentDispatches}`);
  if (!(Number.isInteger(retry.maxAttempts) && retry.maxAttempts >= -1 && retry.maxAttempts !== 0))
    problems.push('max attempts must be -1 (unlimited) or a positive integer');
  if (!(retry.maxRetryDurationMs >= 0)) problems.push('task age limit must be >= 0');
  if (!(retry.minBackoffMs >= 0)) problems.push('min backoff must be >= 0');
  if (!(retry.maxBackoffMs >= retry.minBackoffMs)) problems.push('max backoff must be >= min backoff');
  if (!(Number.isInteger(retry.maxDoublings) && retry.maxDoublings >= 0))
    problems.push('max doublings must be an integer >= 0');
  return problems;
}
