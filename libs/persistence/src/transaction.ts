import type { Datastore, Transaction } from '@google-cloud/datastore';
import { callOptions, withRetry, type ResolvedRetry } from './retry.js';

/** What a transaction body decided: its result, and whether it queued mutations to commit. */
export interface TransactionOutcome<T> {
  readonly result: T;
  readonly commit: boolean;
}

/**
 * Runs `body` in a fresh transaction, commits when it asks to (rolls back otherwise, releasing its
 * locks), and repeats the whole thing on contention or unavailability (see {@link withRetry}).
 * The body must re-read what it decides on: it runs again from scratch on every attempt.
 *
 * The transaction is not begun with its own call: the body's first read begins it
 * (`ReadOptions.newTransaction`, which the client sends while a transaction has not started), so a
 * read-then-commit transaction costs two round trips instead of three. Against Cloud Datastore,
 * where a call costs mostly its round trip, that is a third less time per commit.
 */
export function runTransaction<T>(
  datastore: Datastore,
  retry: ResolvedRetry,
  operation: string,
  body: (transaction: Transaction, gaxOptions: { timeout: number }) => Promise<TransactionOutcome<T>>,
): Promise<T> {
  return withRetry(datastore, operation, retry, async () => {
    const gaxOptions = callOptions(retry);
    const transaction = datastore.transaction();
    try {
      const outcome = await body(transaction, gaxOptions);
      if (outcome.commit) await transaction.commit(gaxOptions);
      else await rollback(transaction, gaxOptions);
      return outcome.result;
    } catch (error) {
      // A failed commit has already rolled back; this releases the locks of a failed read.
      await rollback(transaction, gaxOptions).catch(() => undefined);
      throw error;
    }
  });
}

/** The client's answer to a rollback of a transaction no read has begun yet. */
const NOT_STARTED = 'Transaction is not started';

/** Rolls `transaction` back; one that no read has begun holds nothing and needs no call. */
async function rollback(transaction: Transaction, gaxOptions: { timeout: number }): Promise<void> {
  try {
    await transaction.rollback(gaxOptions);
  } catch (error) {
    if (!(error instanceof Error && error.message === NOT_STARTED)) throw error;
  }
}
