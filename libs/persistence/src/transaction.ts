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
      await transaction.run({ gaxOptions });
      const outcome = await body(transaction, gaxOptions);
      if (outcome.commit) await transaction.commit(gaxOptions);
      else await transaction.rollback(gaxOptions);
      return outcome.result;
    } catch (error) {
      // A failed commit has already rolled back; this releases the locks of a failed read.
      await transaction.rollback(gaxOptions).catch(() => undefined);
      throw error;
    }
  });
}
