export { closeDatastore } from '@gaesession/persistence';
export { datastoreClient, testDatastore, type TestDatastore } from './datastore.js';
export { eventually } from './eventually.js';
export { services, uniqueName } from './services.js';
export {
  canConnect,
  freePort,
  startPrivateMemcached,
  startPrivateRedis,
  type PrivateServer,
} from './private-server.js';
