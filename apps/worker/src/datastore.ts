import { Datastore } from '@google-cloud/datastore';
import type { Config } from '@gaesession/config';

/** The Datastore client, built the way the web app builds it: the emulator when configured. */
export function createDatastore(config: Config): Datastore {
  const emulator = config.datastore.emulatorHost;
  return new Datastore({
    projectId: config.projectId,
    ...(emulator === undefined ? {} : { apiEndpoint: `http://${emulator}` }),
  });
}

/** Closes the client's gRPC channels (the Datastore class itself has no close()). */
export async function closeDatastore(datastore: Datastore): Promise<void> {
  // Internal field: the gapic clients the Datastore created lazily, each with a close().
  const clients = (datastore as unknown as { clients_?: Map<string, { close(): Promise<void> }> }).clients_;
  await Promise.all([...(clients?.values() ?? [])].map((client) => client.close()));
}
