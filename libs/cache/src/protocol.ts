/**
 * The slice of the memcached binary protocol this adapter speaks: request header encoding and
 * the status codes it branches on. memjs's `makeRequestBuffer` cannot carry a CAS value, hence this.
 * Spec: https://github.com/memcached/memcached/wiki/BinaryProtocolRevamped
 */

export const HEADER_BYTES = 24;
const REQUEST_MAGIC = 0x80;
const MAX_CAS = 0xffff_ffff_ffff_ffffn;

export const Opcode = { get: 0x00, set: 0x01, add: 0x02, delete: 0x04 } as const;
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

export const Status = {
  ok: 0x0000,
  keyNotFound: 0x0001,
  keyExists: 0x0002,
  valueTooLarge: 0x0003,
  notStored: 0x0005,
} as const;

const STATUS_NAMES: Readonly<Record<number, string>> = {
  0x0001: 'key not found',
  0x0002: 'key exists',
  0x0003: 'value too large',
  0x0004: 'invalid arguments',
  0x0005: 'item not stored',
  0x0006: 'incr/decr on non-numeric value',
  0x0081: 'unknown command',
  0x0082: 'out of memory',
  0x0083: 'not supported',
  0x0084: 'internal error',
  0x0085: 'busy',
  0x0086: 'temporary failure',
};

/** A status code with its protocol name, for error messages. */
export function describeStatus(status: number): string {
  return `0x${status.toString(16).padStart(4, '0')} (${STATUS_NAMES[status] ?? 'unknown status'})`;
}

export interface Request {
  readonly opcode: Opcode;
  readonly key: Buffer;
  readonly extras?: Buffer;
  readonly value?: Buffer;
  /** 0n (the default) means "no CAS check". */
  readonly cas?: bigint;
  /** Echoed back by the server; memjs matches responses to callbacks with it. */
  readonly opaque: number;
}

/** One complete request: 24-byte header, then extras, key and value. */
export function encodeRequest({ opcode, key, extras = EMPTY, value = EMPTY, cas = 0n, opaque }: Request): Buffer {
  if (key.length > 0xffff || extras.length > 0xff) throw new RangeError('key or extras too long for the header');
  if (cas < 0n || cas > MAX_CAS) throw new RangeError(`cas ${cas} is not an unsigned 64-bit value`);
  const body = extras.length + key.length + value.length;
  // From the pool, not zeroed: every byte is written below.
  const buf = Buffer.allocUnsafe(HEADER_BYTES + body);
  buf.writeUInt8(REQUEST_MAGIC, 0);
  buf.writeUInt8(opcode, 1);
  buf.writeUInt16BE(key.length, 2);
  buf.writeUInt8(extras.length, 4);
  buf.writeUInt8(0, 5); // data type: raw bytes
  buf.writeUInt16BE(0, 6); // vbucket id
  buf.writeUInt32BE(body, 8);
  buf.writeUInt32BE(opaque, 12);
  buf.writeBigUInt64BE(cas, 16);
  extras.copy(buf, HEADER_BYTES);
  key.copy(buf, HEADER_BYTES + extras.length);
  value.copy(buf, HEADER_BYTES + extras.length + key.length);
  return buf;
}

/** The 8-byte extras of SET and ADD: flags (always 0 here), then the expiration. */
export function storageExtras(expiration: number): Buffer {
  const extras = Buffer.alloc(8);
  extras.writeUInt32BE(expiration, 4);
  return extras;
}

/** The CAS field of a response header (memjs hands it over as an 8-byte slice). */
export function readCas(field: Buffer): bigint {
  if (field.length !== 8) throw new RangeError(`cas field is ${field.length} bytes, expected 8`);
  return field.readBigUInt64BE(0);
}

const EMPTY = Buffer.alloc(0);
