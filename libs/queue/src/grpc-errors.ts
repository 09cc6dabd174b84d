/** gRPC status codes this package acts on (google-gax reports them as `error.code`). */
const ALREADY_EXISTS = 6;
const TRANSIENT = new Set([
  1, // CANCELLED
  2, // UNKNOWN
  4, // DEADLINE_EXCEEDED
  8, // RESOURCE_EXHAUSTED: over quota or rate, for now
  13, // INTERNAL
  14, // UNAVAILABLE
]);

/**
 * What a failed CreateTask means: `exists` (the task name was taken, so the events are already
 * queued: success), `unavailable` (transient, or no answer at all: the caller falls back), or
 * `refused` (the request or the setup is wrong, e.g. a missing queue or permission: retrying
 * cannot help, so the error is surfaced as it is).
 */
export function classifyCreateTaskError(error: unknown): 'exists' | 'unavailable' | 'refused' {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === ALREADY_EXISTS) return 'exists';
  if (typeof code !== 'number' || TRANSIENT.has(code)) return 'unavailable';
  return 'refused';
}
