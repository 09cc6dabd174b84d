export {
  ConfigurationError,
  UnsupportedError,
  InvalidOperationError,
  InvalidValueError,
  isSessionError,
  messageOf,
  SessionConflictError,
  SessionError,
  SessionGoneError,
  SessionTooLargeError,
  SessionUnavailableError,
  type CoreErrorCode,
  type SessionErrorOptions,
} from './errors.js';
export {
  errorAnswer,
  errorHandler,
  internalError,
  notFound,
  sendErrorAnswer,
  type ErrorAnswer,
  type ErrorBody,
} from './http-errors.js';
export { loggerFor, pathOf, requestLogging, type RequestLoggingOptions } from './http-logging.js';
export {
  freezeJson,
  MAX_JSON_DEPTH,
  toJsonValue,
  type JsonObject,
  type JsonPrimitive,
  type JsonValue,
} from './json.js';
export { describeError, silentLogger, type LogFields, type Logger } from './logger.js';
export { MetricsLog, type MetricsLogOptions } from './metrics-log.js';
export { applyOps, checkedSum, type Op } from './ops.js';
export { withDefaults, type LooseOptions, type WithDefaults } from './options.js';
export {
  DEFAULT_TIMEOUT_MS,
  expiresAt,
  isExpired,
  MAX_PRINCIPAL_LENGTH,
  principalProblem,
  type SessionRecord,
} from './record.js';
export type {
  ListOptions,
  PrincipalSession,
  PrincipalSessionPage,
  SessionStore,
  SessionWrite,
  WriteKind,
  WriteResult,
} from './store.js';
export { currentTrace, traceFromHeaders, traceLogFields, withTrace, type TraceContext } from './trace.js';
export { isWellFormedToken, newToken, sessionKey, TOKEN_LENGTH } from './token.js';
export { oncePer } from './rate-limit.js';
