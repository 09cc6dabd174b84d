import type { IncomingMessage } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Session } from '@gaesession/session';
import { deviceLabel } from './device.js';
import { noSession, notJson } from './errors.js';

/** Largest JSON body the API takes; a bigger value answers 413. */
export const MAX_BODY_BYTES = 256 * 1024;

/** The longest user name a login takes. */
export const MAX_USER_LENGTH = 200;

/** The request's session; a request without one answers 401 `NO_SESSION`. */
export function requireSession(req: Request): Session {
  const session = req.session;
  if (session === undefined) throw noSession();
  return session;
}

/** True when the request carries a body: a non-zero length, or a chunked one. */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** A body of another type than JSON (a form, text, a missing content-type): 415 `UNSUPPORTED_MEDIA_TYPE`. */
function requireJson<P>(req: Request<P>, _res: Response, next: NextFunction): void {
  next(
    hasBody(req) && req.is('application/json') !== 'application/json' ? notJson(req.get('content-type')) : undefined,
  );
}

/**
 * What a route that reads a JSON body runs first (`api.post(path, ...jsonBody, handler)`): a body
 * of another type answers 415 instead of reaching the route as "no body"; then the body is parsed
 * (over {@link MAX_BODY_BYTES}: 413 `TOO_LARGE`, not JSON: 400 `BAD_JSON`).
 */
export const jsonBody = [requireJson, express.json({ limit: MAX_BODY_BYTES, strict: false })] as const;

/** The user name a login asks for, trimmed, or undefined when it is empty or too long. */
export function userName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const user = value.trim();
  return user === '' || user.length > MAX_USER_LENGTH ? undefined : user;
}

/**
 * Logs `user` in on this request: a new session whose principal is the user name (so the user's
 * sessions can be listed and ended), with the name and a coarse device label kept as constants.
 */
export function startSession(req: Request, user: string): Session {
  const device = deviceLabel(req.get('user-agent'));
  return req.createSession({ principal: user, constants: { user, device } });
}
