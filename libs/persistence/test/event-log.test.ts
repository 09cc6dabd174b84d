import { randomBytes } from 'node:crypto';
import type { Op } from '@gaesession/core';
import { describe, expect, it } from 'vitest';
import { liveEvent, newKey } from '@gaesession/testkit';
import { eventFromLogEntity, eventLogProperties } from '../src/event-log.js';

describe('event log entity', () => {
  it('keeps the whole event, expiring retentionMs after it occurred', () => {
    const event = { ...liveEvent(newKey(), 3, { a: 1 }), ops: [{ op: 'set', name: 'a', value: 1 }] as Op[] };
    const properties = eventLogProperties(event, 60_000);
    expect(properties?.expiresAt.getTime()).toBe(event.occurredAt + 60_000);
    expect(properties?.opsOmitted).toBe(false);
    expect(eventFromLogEntity(event.id, properties)).toEqual(event);
  });

  it('drops the ops, not the snapshot, when the event would not fit an entity', () => {
    // Random base64 barely compresses: ops + snapshot together stay over 1 MiB gzipped.
    const blob = randomBytes(525_000).toString('base64');
    const event = { ...liveEvent(newKey(), 2, { blob }), ops: [{ op: 'set', name: 'blob', value: blob }] as Op[] };
    const properties = eventLogProperties(event, 1000);
    expect(properties?.opsOmitted).toBe(true);
    const back = eventFromLogEntity(event.id, properties);
    expect(back.ops).toEqual([]);
    expect(back.snapshot).toEqual(event.snapshot);
  });

  it('refuses an entity without a payload', () => {
    expect(() => eventFromLogEntity('x', { version: 1 })).toThrow(/payload is missing/);
  });
});
