import { encodeEvents, toTransportString, type SessionEvent } from '@gaesession/events';
import { processPayload, type PayloadDependencies } from '@gaesession/worker';

/** Handles one delivery's events; resolves once they are durable. */
export type DeliveryHandler = (events: readonly SessionEvent[]) => Promise<void>;

export interface DeliveryShape {
  /** Deliveries in flight at once. */
  readonly inFlight: number;
  /** Events per delivery. @defaultValue 1 */
  readonly eventsPerDelivery?: number;
}

/**
 * Cuts `events` into deliveries and hands them to `handle`, `inFlight` at a time, in order, as a
 * queue pushing concurrently would; resolves when every delivery has been handled.
 */
export async function deliverConcurrently(
  events: Iterable<SessionEvent>,
  shape: DeliveryShape,
  handle: DeliveryHandler,
): Promise<void> {
  const iterator = events[Symbol.iterator]();
  const size = Math.max(1, shape.eventsPerDelivery ?? 1);
  const take = (): SessionEvent[] => {
    const batch: SessionEvent[] = [];
    for (let next = iterator.next(); next.done !== true; next = iterator.next()) {
      batch.push(next.value);
      if (batch.length === size) break;
    }
    return batch;
  };
  const lane = async (): Promise<void> => {
    for (let batch = take(); batch.length > 0; batch = take()) await handle(batch);
  };
  await Promise.all(Array.from({ length: Math.max(1, shape.inFlight) }, lane));
}

/** A handler that sends each delivery through the worker's `processPayload`, encoded as a queue carries it. */
export function viaProcessPayload(deps: PayloadDependencies): DeliveryHandler {
  let sequence = 0;
  return async (events) => {
    const payload = toTransportString(encodeEvents(events));
    await processPayload({ payload, attempt: 1, lastAttempt: false, source: `bench/${sequence++}` }, deps);
  };
}
