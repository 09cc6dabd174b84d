import type { Duration, Timestamp } from './proto-types.js';

/** Epoch milliseconds → google.protobuf.Timestamp. */
export function toTimestamp(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds: String(seconds), nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

/** google.protobuf.Timestamp (or Duration, the same shape) → milliseconds (epoch ms for a timestamp). */
export function toMillis(value: Timestamp): number {
  return Number(value.seconds ?? 0) * 1000 + (value.nanos ?? 0) / 1e6;
}

/** Milliseconds → google.protobuf.Duration. */
export function toDuration(ms: number): Duration {
  return toTimestamp(ms);
}
