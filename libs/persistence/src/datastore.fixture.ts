// Shared by the integration suites of this package (not built, not a test file itself).
export {
  closeDatastore,
  datastoreClient,
  destroyEvent,
  liveEvent,
  newKey,
  testDatastore,
  type EventShape,
  type TestDatastore,
} from '@gaesession/testkit';
