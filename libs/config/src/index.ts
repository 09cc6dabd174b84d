export {
  loadConfig,
  type CacheBackend,
  type Config,
  type LoadConfigOptions,
  type QueueBackend,
  type SessionMode,
} from './config.js';
export { createLogger, loggerFromConfig, type LoggerOptions } from './logger.js';
export { ConfigVariableError, type Env, type Service, type Variable } from './parse.js';
export { configTable } from './table.js';
export {
  checkDependencies,
  healthHandlers,
  Readiness,
  type DependencyCheck,
  type DependencyState,
} from './readiness.js';
export { CACHE_BACKENDS, QUEUE_BACKENDS, VARIABLES, type VariableName } from './variables.js';
export {
  createCache,
  createDatastore,
  createPublisher,
  createRepository,
  createSessions,
  createSessionStore,
  datastoreCheck,
  type ConfiguredSessions,
  type ConfiguredStore,
  type SessionsFromConfigOptions,
  type SessionStoreFromConfigOptions,
} from './wiring.js';
export { createQueueInspector } from './queue-inspector.js';
export { resolveSecrets, SECRET_REFERENCE_PREFIX, secretVersionName, type SecretAccessor } from './secrets.js';
