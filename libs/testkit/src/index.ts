export { closeDatastore } from '@gaesession/persistence';
export { Cleanup, type Closable } from './cleanup.js';
export {
  clearNamespace,
  datastoreClient,
  testDatastore,
  type TestDatastore,
  type TestDatastoreOptions,
} from './datastore.js';
export { eventually } from './eventually.js';
export { deleteKeysUnder } from './redis-keys.js';
export { services, uniqueName } from './services.js';
export {
  canConnect,
  freePort,
  startPrivateMemcached,
  startPrivateRedis,
  type PrivateServer,
} from './private-server.js';
export { continueProcess, stopProcess, threadStates } from './process-state.js';
export { destroyEvent, liveEvent, newKey, type EventShape } from './events.js';
