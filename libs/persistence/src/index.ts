export { closeDatastore, createDatastoreClient, type DatastoreClientOptions } from './client.js';
export { countKeys, type CountOptions } from './count.js';
export { DEAD_LETTER_UNINDEXED, deadLetterId, type DeadLetter } from './dead-letter-entity.js';
export {
  DEAD_LETTER_STORE_DEFAULTS,
  DEFAULT_DEAD_LETTER_KIND,
  DeadLetterStore,
  type DeadLetterInput,
  type DeadLetterStoreOptions,
  type ReplayResult,
} from './dead-letters.js';
export {
  CorruptEntityError,
  DatastoreUnavailableError,
  InvalidCursorError,
  type PersistenceErrorCode,
  type UnavailableReason,
} from './errors.js';
export {
  DEFAULT_EVENT_LOG_KIND,
  DEFAULT_EVENT_LOG_RETENTION_MS,
  EVENT_LOG_UNINDEXED,
  type EventLogOptions,
  type EventLogProperties,
} from './event-log.js';
export { decide, foldEvents, type Decision, type FoldedSession } from './fold.js';
export {
  assertFitsEntity,
  DEFAULT_SESSION_KIND,
  MAX_ENTITY_BYTES,
  MAX_UNINDEXED_VALUE_BYTES,
  SESSION_UNINDEXED,
  sessionProperties,
  type EntityPlace,
  type SessionProperties,
} from './model.js';
export {
  DEFAULT_PURGE_BUDGET_MS,
  expiredKeysQuery,
  PURGE_DEFAULTS,
  purgeExpired,
  type PurgeOptions,
  type PurgeResult,
  type PurgeTarget,
} from './purge.js';
export { DEFAULT_REBUILD_PAGE_SIZE, rebuildFromEventLog, type RebuildOptions, type RebuildResult } from './rebuild.js';
export { DatastoreRepository, REPOSITORY_DEFAULTS, type DatastoreRepositoryOptions } from './repository.js';
export type { ApplyResult, DestroyOptions, SessionRepository, StoredState } from './session-repository.js';
export { RETRY_DEFAULTS, type RetryOptions } from './retry.js';
