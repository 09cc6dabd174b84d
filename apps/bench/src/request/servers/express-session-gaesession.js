// (g) express-session + GaeSessionStore: the peers' app, its store swapped for gaesession's
// (@gaesession/express-session) on the write-behind stack the environment configures, with the
// worker beside it. GET /bench/durable tells the bench when Datastore has caught up.
import { createSessionStore, loadConfig } from '@gaesession/config';
import { sessionKey } from '@gaesession/core';
import { GaeSessionStore } from '@gaesession/express-session';
import { serve } from './serve.js';
import { sessionPeerApp } from './session-peer.js';

const config = loadConfig();
const configured = createSessionStore({ config });
const { timeoutMs: timeout, touchAfter } = config.session;
const store = new GaeSessionStore({ store: configured.store, timeout, touchAfter });
const app = sessionPeerApp(store);
app.get('/bench/durable', async (req, res) => {
  const key = sessionKey(req.sessionID);
  const [cached, stored] = await Promise.all([configured.store.load(key), configured.repository?.load(key)]);
  res.json({ version: cached?.version ?? 0, durableVersion: stored?.version ?? 0 });
});
serve(app, () => configured.close());
