import { encodeEventTexts, EventTooLargeError, type EncodeOptions, type SessionEvent } from '@gaesession/events';

/** Some events, and the payload (an encoded batch) that carries them. */
export interface EncodedBatch {
  readonly events: readonly SessionEvent[];
  readonly body: Buffer;
}

/**
 * Splits events, in order, into payloads of at most `maxBytes`. Each event is turned into JSON
 * once: packed by that size, and encoded from it, gzipped above `compressAbove` bytes (the codec's
 * default, 4 KiB, when not given). A batch that still does not fit once encoded is halved. A single
 * event that does not fit even compressed throws `EventTooLargeError`.
 */
export function packEvents(events: readonly SessionEvent[], maxBytes: number, compressAbove?: number): EncodedBatch[] {
  const options = compressAbove === undefined ? { maxBytes } : { maxBytes, compressAbove };
  const batches: EncodedBatch[] = [];
  let current: SessionEvent[] = [];
  let texts: string[] = [];
  let size = 2; // the JSON array's brackets
  for (const event of events) {
    const text = JSON.stringify(event);
    const eventSize = Buffer.byteLength(text) + 1; // and its comma
    if (current.length > 0 && size + eventSize > maxBytes) {
      batches.push(...encodeBatch(current, texts, options));
      current = [];
      texts = [];
      size = 2;
    }
    current.push(event);
    texts.push(text);
    size += eventSize;
  }
  if (current.length > 0) batches.push(...encodeBatch(current, texts, options));
  return batches;
}

function encodeBatch(
  events: readonly SessionEvent[],
  texts: readonly string[],
  options: EncodeOptions,
): EncodedBatch[] {
  try {
    return [{ events, body: encodeEventTexts(texts, options) }];
  } catch (error) {
    if (!(error instanceof EventTooLargeError) || events.length === 1) throw error;
    const half = Math.ceil(events.length / 2);
    return [
      ...encodeBatch(events.slice(0, half), texts.slice(0, half), options),
      ...encodeBatch(events.slice(half), texts.slice(half), options),
    ];
  }
}
