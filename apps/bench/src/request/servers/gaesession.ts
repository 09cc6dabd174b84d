// (e)/(f) gaesession: the write-behind stack as the demo web app wires it, configured by the same
// environment variables (loadConfig); BENCH_GROUPING=false drops the GroupingPublisher.
import express from 'express';
import { loadConfig } from '@gaesession/config';
import { sessionMiddleware } from '@gaesession/session';
// Types req.session, req.createSession() and req.saveSession() on Express's Request.
import '@gaesession/session/express';
import { benchSessions } from './gaesession-wiring.js';
import { serve } from './serve.js';

/** What GET /bench/durable answers: the session's version and the one Datastore holds. */
export interface DurableAnswer {
  readonly version: number;
  readonly durableVersion: number;
}

const config = loadConfig();
const { sessions, repository, close } = benchSessions(config, process.env.BENCH_GROUPING !== 'false');

const app = express();
app.disable('x-powered-by');
app.use(sessionMiddleware(sessions));
app.post('/login', (req, res) => {
  req.createSession().set('user', 'bench').set('counter', 0);
  res.status(201).send('ok');
});
app.get('/read', (req, res) => {
  const user = req.session?.get('user');
  if (typeof user !== 'string') res.status(401).send('no session');
  else res.send(user);
});
app.post('/write', async (req, res) => {
  const session = req.session;
  if (session === undefined) {
    res.status(401).send('no session');
    return;
  }
  session.increment('counter');
  // Save first, as the demo app does: the answer is the counter after merging concurrent writes.
  await req.saveSession();
  res.send(JSON.stringify(session.get('counter')));
});
// Setup only (not measured): the counter, to count the writes that were lost.
app.get('/counter', (req, res) => {
  res.send(JSON.stringify(req.session?.get('counter') ?? 0));
});
// Setup only: has the worker persisted what the cache holds?
app.get('/bench/durable', async (req, res) => {
  const session = req.session;
  if (session === undefined) {
    res.status(401).send('no session');
    return;
  }
  const stored = await repository.load(session.key);
  const answer: DurableAnswer = { version: session.version, durableVersion: stored?.version ?? 0 };
  res.json(answer);
});
serve(app, close);
