import type { Datastore } from '@google-cloud/datastore';
import { DatastoreUnavailableError } from './errors.js';

/** How long a failed credential check stands before the next call tries again, ms. */
const RECHECK_AFTER_MS = 30_000;

const checks = new WeakMap<Datastore, Promise<void>>();

/**
 * Resolves once `datastore` has Google credentials (at once for the emulator, which needs none);
 * rejects with {@link DatastoreUnavailableError} naming the problem when it has none.
 *
 * Why: without credentials, every call of the Datastore client rejects twice: once to the caller
 * and once more inside google-auth-library, unhandled, which ends a Node.js process. Checking the
 * credentials first (`auth.getClient()`, which reports its failure once) keeps calls from reaching
 * the client at all until there are credentials. A failure stands for 30 s, then is checked again.
 */
export function ensureCredentials(datastore: Datastore): Promise<void> {
  if (usesEmulator(datastore)) return Promise.resolve();
  let check = checks.get(datastore);
  if (check === undefined) {
    check = datastore.auth.getClient().then(
      () => undefined,
      (error: unknown) => {
        setTimeout(() => checks.delete(datastore), RECHECK_AFTER_MS).unref();
        throw new DatastoreUnavailableError('credentials', 'unreachable', 1, error);
      },
    );
    // Callers see the failure; this copy of the promise must not count as unhandled.
    check.catch(() => undefined);
    checks.set(datastore, check);
  }
  return check;
}

/** The client talks to the emulator (DATASTORE_EMULATOR_HOST, or an http:// apiEndpoint). */
function usesEmulator(datastore: Datastore): boolean {
  // The client marks an emulator endpoint in this (undeclared) field.
  if ((datastore as unknown as { customEndpoint_?: boolean }).customEndpoint_ === true) return true;
  const endpoint = (datastore.options as { apiEndpoint?: string }).apiEndpoint;
  return endpoint?.startsWith('http://') === true;
}
