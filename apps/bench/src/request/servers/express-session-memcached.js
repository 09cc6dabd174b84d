// (c) express-session + connect-memcached 3 (the `memcached` client).
import connectMemcached from 'connect-memcached';
import session from 'express-session';
import { requiredEnv, serve } from './serve.js';
import { sessionPeerApp } from './session-peer.js';

const MemcachedStore = connectMemcached(session);
const store = new MemcachedStore({
  hosts: requiredEnv('MEMCACHED_SERVERS').split(','),
  prefix: requiredEnv('BENCH_KEY_PREFIX'),
});
serve(sessionPeerApp(store), async () => {
  store.client.end();
});
