// (b) express-session + connect-redis 9 (node-redis client, as connect-redis 9 requires).
import console from 'node:console';
import { RedisStore } from 'connect-redis';
import { createClient } from 'redis';
import { requiredEnv, serve } from './serve.js';
import { sessionPeerApp } from './session-peer.js';

const client = createClient({
  socket: { host: requiredEnv('REDIS_HOST'), port: Number(requiredEnv('REDIS_PORT')) },
});
client.on('error', (error) => console.error('redis client error', error));
await client.connect();
const store = new RedisStore({ client, prefix: requiredEnv('BENCH_KEY_PREFIX') });
serve(sessionPeerApp(store), () => client.close());
