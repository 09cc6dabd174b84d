import type { ErrorRequestHandler } from 'express';
import { isSessionError } from '@gaesession/session';

/** The JSON body of every error answer: a stable code and a message. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/**
 * The last handler: what no route answered becomes JSON with a stable code, never Express's
 * HTML page. A SessionError (a session that could not be loaded, say: 503 SESSION_UNAVAILABLE)
 * answers its own status and code; an HTTP error from a body parser its status; anything else
 * 500 INTERNAL without its message. Server errors are logged as one JSON line (name, code and
 * message only: messages name session keys, which are hashes, never tokens).
 */
export const errorAnswer: ErrorRequestHandler = (error: unknown, req, res, next) => {
  const { status, body } = describe(error);
  if (status >= 500) {
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    console.error(
      JSON.stringify({
        severity: 'ERROR',
        message: 'request failed',
        method: req.method,
        path: req.path,
        status,
        error: { name, code: body.error.code, message },
      }),
    );
  }
  if (res.headersSent) {
    next(error);
    return;
  }
  res.status(status).set('Cache-Control', 'no-store').json(body);
};

function describe(error: unknown): { status: number; body: ErrorBody } {
  if (isSessionError(error))
    return { status: error.status, body: { error: { code: error.code, message: error.message } } };
  const { status, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    status?: unknown;
    message?: unknown;
  };
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      status,
      body: { error: { code: `HTTP_${status}`, message: typeof message === 'string' ? message : 'bad request' } },
    };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } };
}
