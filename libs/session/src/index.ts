export { commitSession, type CommitOptions, type CommitOutcome } from './commit.js';
export { CookieManager, type CookieOptions, type CookieState, type SameSite } from './cookie.js';
export {
  ConfigurationError,
  InvalidOperationError,
  InvalidValueError,
  isSessionError,
  SessionConflictError,
  SessionError,
  SessionGoneError,
  SessionTooLargeError,
  type SessionErrorCode,
  type SessionErrorOptions,
} from './errors.js';
export { sessionMiddleware, type SessionRequest } from './express.js';
export { RequestSession, SessionManager, type SessionManagerOptions } from './http.js';
export {
  freezeJson,
  MAX_JSON_DEPTH,
  toJsonValue,
  type JsonObject,
  type JsonPrimitive,
  type JsonValue,
} from './json.js';
export { MemoryStore } from './memory-store.js';
export { applyOps, type Op } from './ops.js';
export { expiresAt, isExpired, type SessionRecord } from './record.js';
export { DEFAULT_TIMEOUT_MS, Session, type NewSessionOptions, type SessionLifecycle } from './session.js';
export type { SessionStore, SessionWrite, WriteKind, WriteResult } from './store.js';
export { isWellFormedToken, newToken, sessionKey, TOKEN_LENGTH } from './token.js';
