// (d) express-session + @google-cloud/connect-datastore 7, whose peer is @google-cloud/datastore 9
// (installed as `datastore9`). Every session write is a synchronous Datastore commit.
import { DatastoreStore } from '@google-cloud/connect-datastore';
import { Datastore } from 'datastore9';
import { requiredEnv, serve, SESSION_TIMEOUT_MS } from './serve.js';
import { sessionPeerApp } from './session-peer.js';

const datastore = new Datastore({
  projectId: requiredEnv('GOOGLE_CLOUD_PROJECT'),
  apiEndpoint: `http://${requiredEnv('DATASTORE_EMULATOR_HOST')}`,
  namespace: requiredEnv('DATASTORE_NAMESPACE'),
});
const store = new DatastoreStore({ datastore, kind: 'Session', expirationMs: SESSION_TIMEOUT_MS });
serve(sessionPeerApp(store), async () => {
  // The Datastore class has no close(); its gapic clients do.
  await Promise.all([...datastore.clients_.values()].map((gapic) => gapic.close()));
});
