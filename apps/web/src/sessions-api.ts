import express, { type Router } from 'express';
import type { ListedSession, Session, SessionManager } from '@gaesession/session';
import { noSuchSession } from './errors.js';
import { requireSession } from './requests.js';

/** A session key: base64url of a SHA-256 (see `sessionKey` in @gaesession/core). */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** The most sessions of one user the list shows (five pages of the store's index). */
export const MAX_LISTED = 500;

/** One of the caller's sessions, as GET /api/sessions lists it: its key (a hash), never its token. */
export interface SessionListItem {
  readonly id: string;
  /** The coarse device label kept at login ("Chrome on Linux"), or null for a session without one. */
  readonly device: string | null;
  readonly created: number;
  /** The last change Datastore holds; for the current session, the last one this request saw. */
  readonly accessed: number;
  /** True for the session of the request that asked. */
  readonly current: boolean;
}

function listItem(session: ListedSession): SessionListItem {
  const { device } = session.constants;
  return {
    id: session.key,
    device: typeof device === 'string' ? device : null,
    created: session.created,
    accessed: session.accessed,
    current: session.current,
  };
}

/**
 * The live sessions of the caller's user, from Datastore's index of principals, the caller's own
 * first and then the most recently seen. The caller's own is always there, even before its
 * creation reaches Datastore, and with this request's view of its times.
 */
async function ownSessions(manager: SessionManager, session: Session): Promise<SessionListItem[]> {
  const own = listItem({
    key: session.key,
    created: session.created,
    accessed: session.accessed,
    expiresAt: session.expiresAt,
    constants: session.constants,
    current: true,
  });
  const principal = session.principal;
  if (principal === undefined) return [own];
  const others: SessionListItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await manager.listByPrincipal(principal, {
      current: session.key,
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const listed of page.sessions) if (!listed.current) others.push(listItem(listed));
    cursor = page.cursor;
  } while (cursor !== undefined && others.length < MAX_LISTED);
  others.sort((a, b) => b.accessed - a.accessed);
  return [own, ...others.slice(0, MAX_LISTED - 1)];
}

/** The caller's sessions: list them, log out the others, end one. */
export function sessionsApi(manager: SessionManager): Router {
  const api = express.Router();

  api.get('/sessions', async (req, res) => {
    res.json({ sessions: await ownSessions(manager, requireSession(req)) });
  });

  api.post('/sessions/logout-others', async (req, res) => {
    const session = requireSession(req);
    const principal = session.principal;
    // Each ended as a logout ends one: a tombstone in the cache and in Datastore before the answer.
    const ended = principal === undefined ? 0 : await manager.destroyByPrincipal(principal, { except: [session.key] });
    res.json({ ended });
  });

  api.delete('/sessions/:id', async (req, res) => {
    const session = requireSession(req);
    const id = req.params.id;
    if (id === session.key) {
      // The caller's own: a logout (the cookie is cleared too).
      session.destroy();
      res.status(204).end();
      return;
    }
    if (!SESSION_ID.test(id) || session.principal === undefined) throw noSuchSession();
    // Another user's session, an ended or an unknown one: the same 404, which tells nothing about it.
    const record = await manager.store.load(id);
    if (record?.principal !== session.principal) throw noSuchSession();
    await manager.store.destroy(id);
    res.status(204).end();
  });

  return api;
}
