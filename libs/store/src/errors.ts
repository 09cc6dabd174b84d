import { SessionError } from '@gaesession/session';

/**
 * The session's newest state is not readable yet: the cache lost it and Datastore has not caught
 * up with the version the client last saw. Retry shortly; answering from the older state could
 * lose the newer change.
 */
export class SessionUnavailableError extends SessionError {
  constructor(key: string, wanted: number, found: number) {
    super('SESSION_UNAVAILABLE', `session ${key}: version ${wanted} is not readable yet (Datastore has ${found})`, 503);
  }
}
