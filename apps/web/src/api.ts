import express, { type Request, type Router } from 'express';
import type { SessionRepository } from '@gaesession/persistence';
import type { Session } from '@gaesession/session';
import { badBody } from './errors.js';
import { jsonBody, MAX_USER_LENGTH, requireSession, startSession, userName } from './requests.js';

/** The session as scripts and tests see it. `id` is the session key (a hash), never the token. */
export function describeSession(session: Session) {
  return {
    id: session.key,
    user: session.constant('user') ?? null,
    attrs: Object.fromEntries(session.keys().map((name) => [name, session.get(name)])),
    version: session.version,
    created: session.created,
    accessed: session.accessed,
  };
}

function bodyValue(req: Request): unknown {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || !('value' in body)) {
    throw badBody('expected a JSON body {"value": <any JSON>}');
  }
  return body.value;
}

/** The JSON API: login, read, write, increment, regenerate, logout, durability. */
export function sessionApi(repository: SessionRepository | undefined): Router {
  const api = express.Router();

  api.post('/login', ...jsonBody, async (req, res) => {
    const user = userName((req.body as { user?: unknown } | undefined)?.user);
    if (user === undefined) throw badBody(`expected {"user": "<name>"} (1 to ${MAX_USER_LENGTH} characters)`);
    const session = startSession(req, user);
    await req.saveSession();
    res.status(201).json(describeSession(session));
  });

  api.get('/session', (req, res) => {
    res.json(describeSession(requireSession(req)));
  });

  api.put('/attrs/:name', ...jsonBody, async (req, res) => {
    const session = requireSession(req);
    session.set(req.params.name, bodyValue(req));
    await req.saveSession();
    res.json(describeSession(session));
  });

  api.delete('/attrs/:name', async (req, res) => {
    const session = requireSession(req);
    const existed = session.delete(req.params.name);
    await req.saveSession();
    res.status(existed ? 200 : 404).json(describeSession(session));
  });

  api.post('/incr/:name', ...jsonBody, async (req, res) => {
    const session = requireSession(req);
    const by: unknown = (req.body as { by?: unknown } | undefined)?.by ?? 1;
    if (typeof by !== 'number') throw badBody('expected an optional {"by": <number>}');
    session.increment(req.params.name, by);
    // Save first: the answer is the value after merging with concurrent increments.
    await req.saveSession();
    res.json({ value: session.get(req.params.name), version: session.version });
  });

  api.post('/regenerate', async (req, res) => {
    const session = requireSession(req);
    session.regenerate();
    await req.saveSession();
    res.json(describeSession(session));
  });

  api.post('/logout', (req, res) => {
    const session = requireSession(req);
    session.destroy();
    res.status(204).end();
  });

  api.get('/durability', async (req, res) => {
    const session = requireSession(req);
    const stored = await repository?.load(session.key);
    const durableVersion = stored?.version ?? 0;
    res.json({ version: session.version, durableVersion, durable: durableVersion >= session.version });
  });

  return api;
}
