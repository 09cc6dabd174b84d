// Shared by this package's tests (not built, not a test file itself).
import { randomBytes } from 'node:crypto';
import { eventFromWrite, type SessionEvent } from '@gaesession/events';

/**
 * The event that writes a fresh session (a random key) at `version` with `attrs`. Pass it to
 * `Array.from` as `() => sampleEvent()`: the index would otherwise become `version`.
 */
export function sampleEvent(attrs: Record<string, string> = {}, version = 1): SessionEvent {
  const key = randomBytes(32).toString('base64url');
  const now = Date.now();
  const record = { key, version, created: now, accessed: now, timeout: 60_000, constants: {}, attrs };
  return eventFromWrite({ kind: 'create', baseVersion: version - 1, record, ops: [] });
}
