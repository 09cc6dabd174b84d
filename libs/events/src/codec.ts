import { gunzipSync, gzipSync } from 'node:zlib';
import { MAX_JSON_DEPTH } from '@gaesession/core';
import { EventTooLargeError, InvalidEventError } from './errors.js';
import type { SessionEvent } from './event.js';
import { parseEvent } from './schema.js';

/** Cloud Tasks refuses tasks over 100 KB; this leaves room for headers and the task's own fields. */
export const MAX_TASK_BYTES = 100 * 1024 - 4 * 1024;

export interface EncodeOptions {
  /** Gzip payloads longer than this many bytes. @defaultValue 4096 */
  compressAbove?: number;
  /** Refuse (with {@link EventTooLargeError}) payloads still longer than this after compression. */
  maxBytes?: number;
}

/**
 * How deeply a payload may nest: a batch holds events, an event its snapshot or ops, those the
 * attribute map or an op, and that the values (at most MAX_JSON_DEPTH levels each).
 */
export const MAX_PAYLOAD_DEPTH = MAX_JSON_DEPTH + 4;

const GZIP_MAGIC = 0x1f;
/** No real batch inflates past this (a Datastore commit is at most 10 MiB). */
export const MAX_INFLATED_BYTES = 32 * 1024 * 1024;
const STRING_GZIP_PREFIX = 'gz:';

/** Payloads above this many bytes are gzipped, by default. */
export const DEFAULT_COMPRESS_ABOVE = 4096;

/** Encodes a batch of events: a JSON array, gzipped when large. */
export function encodeEvents(events: readonly SessionEvent[], options: EncodeOptions = {}): Buffer {
  return encodeJson(Buffer.from(JSON.stringify(events)), options);
}

/**
 * {@link encodeEvents} of events already turned into JSON, one text each (`JSON.stringify(event)`),
 * so that a publisher that measured them does not stringify them again: the same bytes.
 */
export function encodeEventTexts(texts: readonly string[], options: EncodeOptions = {}): Buffer {
  return encodeJson(Buffer.from(`[${texts.join(',')}]`), options);
}

function encodeJson(json: Buffer, options: EncodeOptions): Buffer {
  const encoded = json.length > (options.compressAbove ?? DEFAULT_COMPRESS_ABOVE) ? gzipSync(json, { level: 6 }) : json;
  if (options.maxBytes !== undefined && encoded.length > options.maxBytes) {
    throw new EventTooLargeError(encoded.length, options.maxBytes);
  }
  return encoded;
}

/** Decodes a payload into raw items, without validating them (see {@link parseEvent}). */
export function decodeBatch(payload: Buffer | string): unknown[] {
  const buffer = typeof payload === 'string' ? fromTransportString(payload) : payload;
  let text: string;
  try {
    // A bounded inflate: a small gzip bomb must not take the worker down.
    text = (buffer[0] === GZIP_MAGIC ? gunzipSync(buffer, { maxOutputLength: MAX_INFLATED_BYTES }) : buffer).toString(
      'utf8',
    );
  } catch (error) {
    throw new InvalidEventError(`payload is not valid gzip: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidEventError('payload is not JSON');
  }
  // Refused whole, before anything recursive (validation, JSON.stringify for a dead letter) walks it.
  if (nestsDeeperThan(parsed, MAX_PAYLOAD_DEPTH)) {
    throw new InvalidEventError(`payload nests deeper than ${MAX_PAYLOAD_DEPTH} levels`);
  }
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** True when `value` nests more than `limit` arrays and objects; walks without recursion. */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  // Each entry: a value and how many containers hold it.
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, holders] = next;
    if (typeof item !== 'object' || item === null) continue;
    if (holders + 1 > limit) return true;
    for (const child of Object.values(item)) pending.push([child, holders + 1]);
  }
  return false;
}

/** Decodes and validates a payload; throws {@link InvalidEventError} on the first bad event. */
export function decodeEvents(payload: Buffer | string): SessionEvent[] {
  return decodeBatch(payload).map(parseEvent);
}

/** A string form of an encoded payload, for transports that carry text (BullMQ job data). */
export function toTransportString(encoded: Buffer): string {
  return encoded[0] === GZIP_MAGIC ? STRING_GZIP_PREFIX + encoded.toString('base64') : encoded.toString('utf8');
}

export function fromTransportString(text: string): Buffer {
  return text.startsWith(STRING_GZIP_PREFIX)
    ? Buffer.from(text.slice(STRING_GZIP_PREFIX.length), 'base64')
    : Buffer.from(text, 'utf8');
}
