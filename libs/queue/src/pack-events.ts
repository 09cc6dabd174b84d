import { encodeEventTexts, EventTooLargeError, type SessionEvent } from '@gaesession/events';

/** Some events, and the payload (an encoded batch) that carries them. */
export interface EncodedBatch {
  readonly events: readonly SessionEvent[];
  readonly body: Buffer;
}

/**
 * Splits events, in order, into payloads of at most `maxBytes`. Each event is turned into JSON
 * once: packed by that size, and encoded from it. A batch that still does not fit once encoded is
 * halved. A single event that does not fit even compressed throws `EventTooLargeError`.
 */
export function packEvents(events: readonly SessionEvent[], maxBytes: number): EncodedBatch[] {
  const batches: EncodedBatch[] = [];
  let current: SessionEvent[] = [];
  let texts: string[] = [];
  let size = 2; // the JSON array's brackets
  for (const event of events) {
    const text = JSON.stringify(event);
    const eventSize = Buffer.byteLength(text) + 1; // and its comma
    if (current.length > 0 && size + eventSize > maxBytes) {
      batches.push(...encodeBatch(current, texts, maxBytes));
      current = [];
      texts = [];
      size = 2;
    }
    current.push(event);
    texts.push(text);
    size += eventSize;
  }
  if (current.length > 0) batches.push(...encodeBatch(current, texts, maxBytes));
  return batches;
}

function encodeBatch(events: readonly SessionEvent[], texts: readonly string[], maxBytes: number): EncodedBatch[] {
  try {
    return [{ events, body: encodeEventTexts(texts, { maxBytes }) }];
  } catch (error) {
    if (!(error instanceof EventTooLargeError) || events.length === 1) throw error;
    const half = Math.ceil(events.length / 2);
    return [
      ...encodeBatch(events.slice(0, half), texts.slice(0, half), maxBytes),
      ...encodeBatch(events.slice(half), texts.slice(half), maxBytes),
    ];
  }
}
