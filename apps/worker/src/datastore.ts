import type { Datastore } from '@google-cloud/datastore';
import type { Config } from '@gaesession/config';
import { createDatastoreClient } from '@gaesession/persistence';

export { closeDatastore } from '@gaesession/persistence';

/** The Datastore client, built the way the web app builds it: the emulator when configured. */
export function createDatastore(config: Config): Datastore {
  return createDatastoreClient({ projectId: config.projectId, emulatorHost: config.datastore.emulatorHost });
}
