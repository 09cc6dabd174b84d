import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { eventFromWrite } from './event.js';
import { InvalidEventError } from './errors.js';
import { parseEvent } from './schema.js';
import { decodeEvents, encodeEvents } from './codec.js';
import { newToken, sessionKey, type SessionRecord } from '@gaesession/core';

function record(attrs: SessionRecord['attrs'] = { a: 1 }): SessionRecord {
  return {
    key: sessionKey(newToken()),
    version: 3,
    created: 1,
    accessed: 2,
    timeout: 1000,
    constants: { user: 'u' },
    attrs,
  };
}

describe('parseEvent', () => {
  it('accepts an event built from a write and keeps it as it is', () => {
    const event = eventFromWrite(
      { kind: 'update', baseVersion: 2, record: record(), ops: [{ op: 'incr', name: 'a', by: 1 }] },
      5,
    );
    expect(parseEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it('keeps "__proto__" attribute keys through a round trip, as sessions do', () => {
    const attrs = JSON.parse('{"__proto__":{"x":1},"b":2}') as SessionRecord['attrs'];
    const event = eventFromWrite({ kind: 'update', baseVersion: 2, record: record(attrs), ops: [] });
    const [decoded] = decodeEvents(encodeEvents([event]));
    expect(Object.hasOwn(decoded?.snapshot?.attrs ?? {}, '__proto__')).toBe(true);
    expect(JSON.stringify(decoded?.snapshot?.attrs)).toBe('{"__proto__":{"x":1},"b":2}');
  });

  it.each([
    ['a wrong id', (e: Record<string, unknown>) => ({ ...e, id: 'x.1' }), /id/],
    ['a zero version', (e: Record<string, unknown>) => ({ ...e, version: 0 }), /version/],
    ['a malformed key', (e: Record<string, unknown>) => ({ ...e, key: 'short', id: 'short.3' }), /key/],
    ['an unknown op', (e: Record<string, unknown>) => ({ ...e, ops: [{ op: 'clear' }] }), /op/],
    ['a snapshot on a destroyed event', (e: Record<string, unknown>) => ({ ...e, type: 'destroyed' }), /snapshot/],
    ['extra fields', (e: Record<string, unknown>) => ({ ...e, token: 'x' }), /token|Unrecognized/],
    [
      'a non-object attrs',
      (e: Record<string, unknown>) => ({ ...e, snapshot: { ...(e.snapshot as object), attrs: [1] } }),
      /object/,
    ],
  ])('refuses %s with an InvalidEventError giving the reason', (_name, mutate, reason) => {
    const event = eventFromWrite({ kind: 'update', baseVersion: 2, record: record(), ops: [] }) as unknown as Record<
      string,
      unknown
    >;
    try {
      parseEvent(mutate(event));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventError);
      expect((error as InvalidEventError).reason).toMatch(reason);
    }
  });

  it('either accepts or refuses with InvalidEventError, for any input (fuzz)', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        try {
          parseEvent(value);
          return true;
        } catch (error) {
          return error instanceof InvalidEventError;
        }
      }),
    );
  });
});

describe('codec', () => {
  it('gzips large batches and decodes them back; refuses a batch over maxBytes', () => {
    const big = eventFromWrite({
      kind: 'update',
      baseVersion: 2,
      record: record({ text: 'y'.repeat(50_000) }),
      ops: [],
    });
    const encoded = encodeEvents([big]);
    expect(encoded[0]).toBe(0x1f);
    expect(decodeEvents(encoded)).toEqual([big]);
    expect(() => encodeEvents([big], { maxBytes: 10, compressAbove: 1 })).toThrow(/over the 10-byte limit/);
  });

  it('refuses payloads that are not JSON or not gzip, with InvalidEventError', () => {
    expect(() => decodeEvents(Buffer.from('not json'))).toThrow(InvalidEventError);
    expect(() => decodeEvents(Buffer.from([0x1f, 0x8b, 1, 2, 3]))).toThrow(InvalidEventError);
  });

  it('decodes any bytes to events or an InvalidEventError (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeEvents(Buffer.from(bytes));
          return true;
        } catch (error) {
          return error instanceof InvalidEventError;
        }
      }),
    );
  });
});
