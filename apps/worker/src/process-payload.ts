import {
  decodeBatch,
  encodeEvents,
  InvalidEventError,
  parseEvent,
  toTransportString,
  type SessionEvent,
} from '@gaesession/events';
import type { DeadLetterInput, DeadLetterStore } from '@gaesession/persistence';
import { isSessionError, type Logger, messageOf, type SessionError, traceLogFields } from '@gaesession/core';
import { DeliveryFailedError } from './errors.js';
import type { GroupCommitter } from './group-commit.js';
import { mapLimited } from './limited.js';

/** Why a payload went to the dead letters. */
export type DeadLetterReason = 'invalid' | 'failed' | 'too-large';

/** Told about what deliveries do, e.g. to keep metrics. */
export interface DeliveryObserver {
  /** Delivered items (or whole payloads) refused by validation. */
  onInvalidEvents?(count: number): void;
  /** One dead letter recorded. */
  onDeadLetter?(reason: DeadLetterReason): void;
  /** A delivery answered with a retryable failure. */
  onDeliveryFailed?(): void;
}

/** One delivery of a payload: a Cloud Tasks push or a BullMQ job. */
export interface Delivery {
  /** The payload as it arrived: an HTTP body, or a BullMQ job's transport string. */
  readonly payload: Buffer | string;
  /** Set when the transport already found the payload unusable: it is dead-lettered as it is. */
  readonly invalid?: InvalidEventError | undefined;
  /** This delivery's attempt, from 1. */
  readonly attempt: number;
  /** True on the queue's last attempt: a failure is then dead-lettered and acknowledged. */
  readonly lastAttempt: boolean;
  /** Where it came from (queue, task or job id), kept with a dead letter. */
  readonly source: string;
}

/** What a delivery came to. It is only returned once all of it is durable (applied or dead-lettered). */
export interface DeliveryOutcome {
  /** Valid events now durable in Datastore. */
  readonly applied: number;
  /** Items refused by validation, each kept as its own dead letter. */
  readonly invalid: number;
  /** Valid events that failed on the last attempt, kept as one dead letter. */
  readonly failed: number;
  /** Ids of the dead letters this delivery recorded. */
  readonly deadLetters: readonly string[];
}

/** What recording dead letters takes. */
export interface DeadLetterDependencies {
  deadLetters: Pick<DeadLetterStore, 'add'>;
  logger: Logger;
  observer?: DeliveryObserver | undefined;
}

export interface PayloadDependencies extends DeadLetterDependencies {
  committer: Pick<GroupCommitter, 'submit'>;
  /** The Google Cloud project, for the trace of the log lines about applied events. */
  projectId: string;
}

/** Dead letters of one delivery's invalid items written at once. */
const DEAD_LETTER_CONCURRENCY = 8;

interface Refused {
  readonly index: number;
  readonly item: unknown;
  readonly error: InvalidEventError;
}

/**
 * The one path of every delivery. Decodes the payload and validates each item: invalid items can
 * never succeed, so each goes to the dead letters with its reason and is not retried, while the
 * valid ones are submitted to the group committer. Resolves once everything is durable. When the
 * events cannot be applied it throws {@link DeliveryFailedError} (status 500) so the queue
 * delivers again, except on the last attempt: then the events go to the dead letters with the
 * error and the attempt count, and the delivery resolves (is acknowledged), so the queue never
 * drops them silently.
 */
export async function processPayload(delivery: Delivery, deps: PayloadDependencies): Promise<DeliveryOutcome> {
  try {
    return await processDelivery(delivery, deps);
  } catch (error) {
    if (error instanceof DeliveryFailedError) deps.observer?.onDeliveryFailed?.();
    throw error;
  }
}

async function processDelivery(delivery: Delivery, deps: PayloadDependencies): Promise<DeliveryOutcome> {
  let items: unknown[];
  try {
    if (delivery.invalid !== undefined) throw delivery.invalid;
    items = decodeBatch(delivery.payload);
  } catch (error) {
    if (!(error instanceof InvalidEventError)) throw error;
    const id = await recordRejected(delivery, deps, error, 'invalid');
    return { applied: 0, invalid: 1, failed: 0, deadLetters: [id] };
  }

  const valid: SessionEvent[] = [];
  const refused: Refused[] = [];
  items.forEach((item, index) => {
    try {
      valid.push(parseEvent(item));
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      refused.push({ index, item, error });
    }
  });
  if (refused.length > 0) deps.observer?.onInvalidEvents?.(refused.length);

  const applying = deps.committer.submit(valid).then(
    () => undefined,
    (error: unknown) => ({ error }),
  );
  let invalidLetters: string[];
  try {
    invalidLetters = await mapLimited(refused, DEAD_LETTER_CONCURRENCY, (one) =>
      record(delivery, deps, invalidItemLetter(one, items.length), 'invalid'),
    );
  } finally {
    await applying;
  }
  if (refused.length > 0) {
    deps.logger.warn('invalid events dead-lettered', {
      source: delivery.source,
      deadLetters: invalidLetters,
      reasons: refused.map((one) => one.error.reason),
    });
  }

  const failure = await applying;
  if (failure === undefined) {
    logApplied(valid, delivery.source, deps);
    return { applied: valid.length, invalid: refused.length, failed: 0, deadLetters: invalidLetters };
  }
  const reason = messageOf(failure.error);
  if (!delivery.lastAttempt) {
    throw new DeliveryFailedError(
      `${valid.length} events not applied on attempt ${delivery.attempt}: ${reason}`,
      failure.error,
    );
  }
  // The last attempt: keep the events (as received when they were all valid) with the failure.
  const payload = refused.length === 0 ? payloadText(delivery.payload) : toTransportString(encodeEvents(valid));
  const code = isSessionError(failure.error) ? failure.error.code : undefined;
  const id = await record(
    delivery,
    deps,
    { payload, error: reason, attempts: delivery.attempt, ...(code === undefined ? {} : { code }) },
    'failed',
  );
  deps.logger.error('events failed on the last attempt: dead-lettered', {
    source: delivery.source,
    deadLetter: id,
    events: valid.length,
    attempt: delivery.attempt,
    error: failure.error,
  });
  return { applied: 0, invalid: refused.length, failed: valid.length, deadLetters: [...invalidLetters, id] };
}

/**
 * One `events applied` line per request trace the events came from (the trace their request had,
 * carried in `event.trace`), so Cloud Logging shows the worker's part under the web request.
 */
function logApplied(events: readonly SessionEvent[], source: string, deps: PayloadDependencies): void {
  const byTrace = new Map<string | undefined, number>();
  for (const event of events) byTrace.set(event.trace, (byTrace.get(event.trace) ?? 0) + 1);
  for (const [traceId, count] of byTrace) {
    const log =
      traceId === undefined
        ? deps.logger
        : deps.logger.child(traceLogFields({ traceId, sampled: false }, deps.projectId));
    log.info('events applied', { events: count, source });
  }
}

/**
 * Dead-letters a whole payload that can never succeed (not an event batch, or too large) with
 * `error`, and returns the letter's id. Throws {@link DeliveryFailedError} when the letter cannot
 * be written, so the delivery is retried.
 */
export async function rejectPayload(
  delivery: Omit<Delivery, 'invalid'>,
  deps: DeadLetterDependencies,
  error: SessionError,
  reason: DeadLetterReason,
): Promise<string> {
  try {
    return await recordRejected(delivery, deps, error, reason);
  } catch (failure) {
    if (failure instanceof DeliveryFailedError) deps.observer?.onDeliveryFailed?.();
    throw failure;
  }
}

async function recordRejected(
  delivery: Omit<Delivery, 'invalid'>,
  deps: DeadLetterDependencies,
  error: SessionError,
  reason: DeadLetterReason,
): Promise<string> {
  if (reason === 'invalid') deps.observer?.onInvalidEvents?.(1);
  const letter = { payload: payloadText(delivery.payload), error: error.message, code: error.code, attempts: 1 };
  const id = await record(delivery, deps, letter, reason);
  deps.logger.warn('payload refused: dead-lettered', { source: delivery.source, deadLetter: id, error });
  return id;
}

/** A payload as dead letters keep it: text, with binary (gzip) bodies in the transport's `gz:` form. */
export function payloadText(payload: Buffer | string): string {
  return typeof payload === 'string' ? payload : toTransportString(payload);
}

function invalidItemLetter(refused: Refused, total: number): Omit<DeadLetterInput, 'source'> {
  return {
    // One item per letter, as a batch of one: fixed with DeadLetterStore.update, it replays alone.
    payload: JSON.stringify([refused.item]),
    error: `item ${refused.index} of ${total}: ${refused.error.reason}`,
    code: refused.error.code,
    attempts: 1,
  };
}

/**
 * Writes one dead letter. When even that fails, the delivery must be retried; on the last attempt
 * the queue drops it next, so the payload goes to the log, the only place left to keep it.
 */
async function record(
  delivery: Omit<Delivery, 'invalid'>,
  deps: DeadLetterDependencies,
  letter: Omit<DeadLetterInput, 'source'>,
  reason: DeadLetterReason,
): Promise<string> {
  try {
    const id = await deps.deadLetters.add({ ...letter, source: delivery.source });
    deps.observer?.onDeadLetter?.(reason);
    return id;
  } catch (error) {
    deps.logger.error('cannot record a dead letter', {
      source: delivery.source,
      attempt: delivery.attempt,
      failure: letter.error,
      error,
      ...(delivery.lastAttempt ? { payload: letter.payload } : {}),
    });
    throw new DeliveryFailedError(`cannot record a dead letter: ${messageOf(error)}`, error);
  }
}
