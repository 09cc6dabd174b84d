import express, { type Request, type Response, type Router } from 'express';
import { isSessionError, type Session } from '@gaesession/session';

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

function fail(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

function requireSession(req: Request, res: Response): Session | undefined {
  const session = req.session;
  if (session === undefined) fail(res, 401, 'NO_SESSION', 'log in first (POST /api/login)');
  return session;
}

function bodyValue(req: Request, res: Response): { value: unknown } | undefined {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || !('value' in body)) {
    fail(res, 400, 'BAD_BODY', 'expected a JSON body {"value": <any JSON>}');
    return undefined;
  }
  return { value: body.value };
}

/** The JSON API: login, read, write, increment, regenerate, logout. */
export function sessionApi(): Router {
  const api = express.Router();
  api.use(express.json({ limit: MAX_BODY_BYTES, strict: false }));

  api.post('/login', async (req, res) => {
    const user: unknown = (req.body as { user?: unknown } | undefined)?.user;
    if (typeof user !== 'string' || user.trim() === '' || user.length > 200) {
      fail(res, 400, 'BAD_BODY', 'expected {"user": "<name>"} (1 to 200 characters)');
      return;
    }
    const session = req.createSession({ constants: { user: user.trim() } });
    await req.saveSession();
    res.status(201).json(describeSession(session));
  });

  api.get('/session', (req, res) => {
    const session = requireSession(req, res);
    if (session) res.json(describeSession(session));
  });

  api.put('/attrs/:name', async (req, res) => {
    const session = requireSession(req, res);
    const body = session && bodyValue(req, res);
    if (!session || !body) return;
    session.set(req.params.name, body.value);
    await req.saveSession();
    res.json(describeSession(session));
  });

  api.delete('/attrs/:name', async (req, res) => {
    const session = requireSession(req, res);
    if (!session) return;
    const existed = session.delete(req.params.name);
    await req.saveSession();
    res.status(existed ? 200 : 404).json(describeSession(session));
  });

  api.post('/incr/:name', async (req, res) => {
    const session = requireSession(req, res);
    if (!session) return;
    const by: unknown = (req.body as { by?: unknown } | undefined)?.by ?? 1;
    if (typeof by !== 'number') {
      fail(res, 400, 'BAD_BODY', 'expected an optional {"by": <number>}');
      return;
    }
    session.increment(req.params.name, by);
    // Save first: the answer is the value after merging with concurrent increments.
    await req.saveSession();
    res.json({ value: session.get(req.params.name), version: session.version });
  });

  api.post('/regenerate', async (req, res) => {
    const session = requireSession(req, res);
    if (!session) return;
    session.regenerate();
    await req.saveSession();
    res.json(describeSession(session));
  });

  api.post('/logout', (req, res) => {
    const session = requireSession(req, res);
    if (!session) return;
    session.destroy();
    res.status(204).end();
  });

  api.use(apiErrors);
  return api;
}

/** Maps body-parser and session errors to JSON answers (400 / 413 / the error's own status). */
function apiErrors(error: unknown, _req: Request, res: Response, next: (error?: unknown) => void): void {
  if (res.headersSent) {
    next(error);
    return;
  }
  const type = (error as { type?: unknown }).type;
  if (type === 'entity.too.large') fail(res, 413, 'TOO_LARGE', `bodies are limited to ${MAX_BODY_BYTES} bytes`);
  else if (type === 'entity.parse.failed') fail(res, 400, 'BAD_JSON', 'the body is not valid JSON');
  else if (isSessionError(error)) fail(res, error.status, error.code, error.message);
  else next(error);
}
