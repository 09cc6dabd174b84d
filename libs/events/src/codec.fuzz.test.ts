import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type JsonObject, MAX_JSON_DEPTH, newToken, sessionKey, toJsonValue } from '@gaesession/core';
import { Session } from '@gaesession/session';
import { decodeBatch, decodeEvents, encodeEvents, MAX_INFLATED_BYTES } from './codec.js';
import { InvalidEventError } from './errors.js';
import { destroyedEvent, eventFromWrite, eventId, type SessionEvent } from './event.js';
import { parseEvent } from './schema.js';

/** Largest time a JavaScript Date (and so Datastore) can hold, in ms since the epoch. */
const MAX_DATE_MS = 8.64e15;

const key = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((bytes) => sessionKey(Buffer.from(bytes).toString('base64url')));
const time = fc.integer({ min: 0, max: MAX_DATE_MS });
const attrs = fc
  .dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }))
  .map((value) => toJsonValue(value) as JsonObject);
const name = fc.string({ minLength: 1, maxLength: 8 });
const op = fc.oneof(
  fc.record({
    op: fc.constant('set' as const),
    name,
    value: fc.jsonValue({ maxDepth: 2 }).map((value) => toJsonValue(value)),
  }),
  fc.record({ op: fc.constant('delete' as const), name }),
  fc.record({ op: fc.constant('incr' as const), name, by: fc.double({ noNaN: true, noDefaultInfinity: true }) }),
);

/** Any valid v1 event. */
const validEvent: fc.Arbitrary<SessionEvent> = fc.oneof(
  fc
    .record({
      key,
      version: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      type: fc.constantFrom('created' as const, 'updated' as const, 'touched' as const),
      ops: fc.array(op, { maxLength: 4 }),
      created: time,
      accessed: time,
      timeout: fc.integer({ min: 1, max: 10 ** 12 }),
      constants: attrs,
      attrs,
      occurredAt: time,
      expiresAt: time,
    })
    .map(({ key: k, version, type, ops, created, accessed, timeout, constants, attrs: a, occurredAt, expiresAt }) => ({
      v: 1 as const,
      id: eventId(k, version),
      type,
      key: k,
      version,
      ops: ops.map((o) => (o.op === 'incr' && Object.is(o.by, -0) ? { ...o, by: 0 } : o)),
      snapshot: { created, accessed, timeout, constants, attrs: a },
      occurredAt,
      expiresAt,
    })),
  fc
    .tuple(key, fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), time, time)
    .map(([k, version, expiresAt, occurredAt]) => destroyedEvent(k, version, expiresAt, occurredAt)),
);

/** A valid event with one field replaced, removed, or one unknown field added, anywhere in it. */
const mutatedEvent = fc
  .tuple(
    validEvent,
    fc.nat(),
    fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)),
    fc.string({ maxLength: 6 }),
  )
  .map(([event, pick, replacement, extra]) => {
    const copy = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
    const snapshot = copy.snapshot as Record<string, unknown> | null;
    const targets: [Record<string, unknown>, string][] = [
      ...Object.keys(copy).map((field): [Record<string, unknown>, string] => [copy, field]),
      ...(snapshot === null
        ? []
        : Object.keys(snapshot).map((field): [Record<string, unknown>, string] => [snapshot, field])),
      [copy, extra === '' ? 'extra' : extra],
    ];
    const [target, field] = targets[pick % targets.length]!;
    if (replacement === undefined) Reflect.deleteProperty(target, field);
    else target[field] = replacement;
    return copy;
  });

/** What every accepted event satisfies, whatever it was made from. */
function expectValid(event: SessionEvent): void {
  expect(event.v).toBe(1);
  expect(event.id).toBe(eventId(event.key, event.version));
  expect(event.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(Number.isSafeInteger(event.version) && event.version >= 1).toBe(true);
  expect(event.type === 'destroyed').toBe(event.snapshot === null);
  for (const t of [event.occurredAt, event.expiresAt, event.snapshot?.created ?? 0, event.snapshot?.accessed ?? 0]) {
    expect(Number.isSafeInteger(t) && t >= 0).toBe(true);
    // Every time must fit a Date: Datastore stores expiresAt and updatedAt as timestamps.
    expect(Number.isNaN(new Date(t).getTime())).toBe(false);
  }
  if (event.snapshot !== null) {
    expect(() => toJsonValue(event.snapshot?.attrs)).not.toThrow();
    expect(() => toJsonValue(event.snapshot?.constants)).not.toThrow();
  }
  // Whatever is accepted can be written back (to a dead letter, the event log, a queue).
  expect(() => encodeEvents([event])).not.toThrow();
}

/** Runs `decode`; true when it accepted, false when it refused with InvalidEventError; rethrows anything else. */
function decodesOrRefuses(decode: () => SessionEvent[]): boolean {
  try {
    decode().forEach(expectValid);
    return true;
  } catch (error) {
    if (error instanceof InvalidEventError) return false;
    throw error;
  }
}

/**
 * Property tests do a fixed number of runs of CPU-bound work: a few hundred milliseconds on an
 * idle machine, several seconds on a busy 2-core one. Their time limit only catches a hang, so it
 * is not the 5 s default.
 */
const FUZZ = { timeout: 60_000 };

describe('event codec (fuzz)', FUZZ, () => {
  it('round-trips any valid event, plain or gzipped', () => {
    fc.assert(
      fc.property(fc.array(validEvent, { minLength: 1, maxLength: 4 }), fc.boolean(), (events, gzip) => {
        const encoded = encodeEvents(events, gzip ? { compressAbove: 0 } : {});
        const decoded = decodeEvents(encoded);
        expect(decoded).toEqual(events);
        decoded.forEach(expectValid);
      }),
      { numRuns: 500 },
    );
  });

  it('decodes any JSON text to valid events or refuses it with InvalidEventError', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json({ maxDepth: 4 }),
          validEvent.map((e) => JSON.stringify([e])),
        ),
        (text) => {
          if (decodesOrRefuses(() => decodeEvents(Buffer.from(text)))) accepted++;
        },
      ),
      { numRuns: 1000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('accepts a mutated valid event only if it is still valid; refuses the rest with InvalidEventError', () => {
    let refused = 0;
    fc.assert(
      fc.property(mutatedEvent, (event) => {
        if (!decodesOrRefuses(() => [parseEvent(event)])) refused++;
      }),
      { numRuns: 2000 },
    );
    expect(refused).toBeGreaterThan(1000);
  });

  it('decodes any bytes (raw, gzipped, gzip-magic garbage, or a gz: transport string) to valid events or an InvalidEventError', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('raw', 'gzip', 'magic', 'transport'),
        (bytes, form) => {
          const raw = Buffer.from(bytes);
          const payload =
            form === 'gzip'
              ? gzipSync(raw)
              : form === 'magic'
                ? Buffer.concat([Buffer.from([0x1f, 0x8b]), raw])
                : form === 'transport'
                  ? `gz:${raw.toString('base64')}`
                  : raw;
          decodesOrRefuses(() => decodeEvents(payload));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses times a Date cannot hold, which Datastore could not store', () => {
    const k = sessionKey(newToken());
    for (const field of ['occurredAt', 'expiresAt'] as const) {
      const event = { ...destroyedEvent(k, 1, 1000, 1000), [field]: MAX_DATE_MS + 1 };
      expect(() => parseEvent(event)).toThrow(InvalidEventError);
    }
    expect(() => parseEvent(destroyedEvent(k, 1, MAX_DATE_MS, MAX_DATE_MS))).not.toThrow();
  });

  it('refuses a payload nested too deep as a whole, and every refused item can be written to a dead letter', () => {
    const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    for (const text of [`[${deep(100_000)}]`, `[{"attrs":${deep(5000)}}]`, deep(100_000)]) {
      let items: unknown[] = [];
      try {
        items = decodeBatch(Buffer.from(text));
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidEventError);
        continue;
      }
      // Accepted for decoding: then each item must survive JSON.stringify (the dead letter's form).
      for (const item of items) expect(() => JSON.stringify([item])).not.toThrow();
    }
  });

  it('still carries the deepest value a session accepts, in the snapshot and in the ops', () => {
    let value: unknown = 1;
    for (let level = 0; level < MAX_JSON_DEPTH; level++) value = level % 2 === 0 ? [value] : { k: value };
    const session = Session.create({ constants: { user: 'u' } });
    session.set('deep', value);
    const event = eventFromWrite({
      kind: 'create',
      baseVersion: 0,
      record: { ...session.snapshot(), version: 1 },
      ops: session.ops,
    });
    expect(decodeEvents(encodeEvents([event]))).toEqual([JSON.parse(JSON.stringify(event))]);
  });
});

describe('decodeBatch against a gzip bomb', FUZZ, () => {
  it('refuses a payload that inflates past the bound, with InvalidEventError', () => {
    const bomb = gzipSync(Buffer.alloc(MAX_INFLATED_BYTES + 1, 0x20));
    expect(bomb.length).toBeLessThan(100 * 1024);
    expect(() => decodeBatch(bomb)).toThrow(InvalidEventError);
  });
});
