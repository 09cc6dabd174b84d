export { COMMIT_DEFAULTS, commitOps, commitSession, type CommitOptions, type CommitOutcome } from './commit.js';
export { COOKIE_DEFAULTS, CookieManager, type CookieOptions, type CookieState, type SameSite } from './cookie.js';
export { sessionMiddleware, sessionOf, type SessionRequest } from './express.js';
export {
  RequestSession,
  SESSION_MANAGER_DEFAULTS,
  SessionManager,
  type ListedSession,
  type SessionManagerOptions,
} from './http.js';
export { MemoryStore } from './memory-store.js';
export { Session, type NewSessionOptions, type SessionLifecycle } from './session.js';

// What an app using the middleware handles besides the above, re-exported from @gaesession/core so
// that one import serves it.
export {
  ConfigurationError,
  DEFAULT_TIMEOUT_MS,
  InvalidOperationError,
  InvalidValueError,
  isSessionError,
  SessionConflictError,
  SessionError,
  SessionGoneError,
  SessionTooLargeError,
  SessionUnavailableError,
  type JsonObject,
  type JsonValue,
  type PrincipalSession,
  type SessionRecord,
  type SessionStore,
  type SessionWrite,
  type WriteResult,
} from '@gaesession/core';
