import fc from 'fast-check';
import memjs from 'memjs';
import { describe, expect, it } from 'vitest';
import { describeStatus, encodeRequest, Opcode, readCas, storageExtras } from './protocol.js';

describe('encodeRequest', () => {
  it('lays out a SET with a CAS value byte for byte', () => {
    const buf = encodeRequest({
      opcode: Opcode.set,
      key: Buffer.from('ab'),
      extras: storageExtras(60),
      value: Buffer.from('xyz'),
      cas: 0x0102030405060708n,
      opaque: 0xdeadbeef,
    });
    expect(buf.toString('hex')).toBe(
      [
        '80', // magic: request
        '01', // opcode: SET
        '0002', // key length
        '08', // extras length
        '00', // data type
        '0000', // vbucket
        '0000000d', // total body: 8 + 2 + 3
        'deadbeef', // opaque
        '0102030405060708', // cas
        '00000000', // flags
        '0000003c', // expiration: 60
        '6162', // key
        '78797a', // value
      ].join(''),
    );
  });

  it('matches memjs makeRequestBuffer plus the CAS field, for any request', () => {
    const request = fc.record({
      opcode: fc.constantFrom(...Object.values(Opcode)),
      key: fc.uint8Array({ maxLength: 250 }),
      extras: fc.uint8Array({ maxLength: 20 }),
      value: fc.uint8Array({ maxLength: 300 }),
      cas: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      opaque: fc.integer({ min: 0, max: 0xffff_ffff }),
    });
    fc.assert(
      fc.property(request, ({ opcode, key, extras, value, cas, opaque }) => {
        const [k, e, v] = [Buffer.from(key), Buffer.from(extras), Buffer.from(value)];
        const ours = encodeRequest({ opcode, key: k, extras: e, value: v, cas, opaque });
        const theirs = memjs.Utils.makeRequestBuffer(opcode, k, e, v, opaque);
        theirs.writeBigUInt64BE(cas, 16);
        expect(ours.equals(theirs)).toBe(true);
        expect(readCas(memjs.Header.fromBuffer(ours).cas)).toBe(cas);
      }),
    );
  });

  it('refuses a CAS value outside 64 unsigned bits', () => {
    const base = { opcode: Opcode.set, key: Buffer.from('k'), opaque: 1 };
    expect(() => encodeRequest({ ...base, cas: -1n })).toThrow(RangeError);
    expect(() => encodeRequest({ ...base, cas: 2n ** 64n })).toThrow(RangeError);
  });
});

describe('protocol helpers', () => {
  it('puts the expiration in the second word of the storage extras, flags zero', () => {
    expect(storageExtras(2_592_001).toString('hex')).toBe('00000000' + '00278d01');
  });

  it('reads the CAS field as an unsigned 64-bit big-endian number', () => {
    expect(readCas(Buffer.from('ffffffffffffffff', 'hex'))).toBe(2n ** 64n - 1n);
    expect(() => readCas(Buffer.alloc(4))).toThrow(RangeError);
  });

  it('names statuses in error messages', () => {
    expect(describeStatus(0x0082)).toBe('0x0082 (out of memory)');
    expect(describeStatus(0x0999)).toBe('0x0999 (unknown status)');
  });
});
