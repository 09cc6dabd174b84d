import { Datastore } from '@google-cloud/datastore';

export interface DatastoreClientOptions {
  projectId: string;
  /** host:port of the Datastore emulator; production Datastore when undefined. */
  emulatorHost?: string | undefined;
}

/** A Datastore client: the emulator (plain HTTP/gRPC) when `emulatorHost` is set. */
export function createDatastoreClient(options: DatastoreClientOptions): Datastore {
  const { projectId, emulatorHost } = options;
  if (emulatorHost === undefined) return new Datastore({ projectId });
  // universeDomain: without it google-auth probes the GCE metadata server first (slow, and a
  // MetadataLookupWarning) even though the emulator needs no credentials.
  return new Datastore({ projectId, apiEndpoint: `http://${emulatorHost}`, universeDomain: 'googleapis.com' });
}

/** Closes a client's gRPC channels (the Datastore class itself has no close()). */
export async function closeDatastore(datastore: Datastore): Promise<void> {
  // Internal field: the gapic clients the Datastore created lazily, each with a close().
  const clients = (datastore as unknown as { clients_?: Map<string, { close(): Promise<void> }> }).clients_;
  await Promise.all([...(clients?.values() ?? [])].map((client) => client.close()));
}
