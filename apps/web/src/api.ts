import express, { type Request, type Router } from 'express';
import type { Session } from '@gaesession/session';
import { ApiError, noSession } from './errors.js';

/** Largest JSON body the API takes; a bigger value answers 413. */
export const MAX_BODY_BYTES = 256 * 1024;

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

function requireSession(req: Request): Session {
  const session = req.session;
  if (session === undefined) throw noSession();
  return session;
}

function badBody(message: string): ApiError {
  return new ApiError(400, 'BAD_BODY', message);
}

function bodyValue(req: Request): unknown {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || !('value' in body)) {
    throw badBody('expected a JSON body {"value": <any JSON>}');
  }
  return body.value;
}

/** The JSON API: login, read, write, increment, regenerate, logout. */
export function sessionApi(): Router {
  const api = express.Router();
  api.use(express.json({ limit: MAX_BODY_BYTES, strict: false }));

  api.post('/login', async (req, res) => {
    const user: unknown = (req.body as { user?: unknown } | undefined)?.user;
    if (typeof user !== 'string' || user.trim() === '' || user.length > 200) {
      throw badBody('expected {"user": "<name>"} (1 to 200 characters)');
    }
    const session = req.createSession({ constants: { user: user.trim() } });
    await req.saveSession();
    res.status(201).json(describeSession(session));
  });

  api.get('/session', (req, res) => {
    res.json(describeSession(requireSession(req)));
  });

  api.put('/attrs/:name', async (req, res) => {
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

  api.post('/incr/:name', async (req, res) => {
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

  return api;
}
