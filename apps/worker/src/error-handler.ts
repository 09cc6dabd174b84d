import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isSessionError } from '@gaesession/session';
import type { Logger } from './logger.js';

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/**
 * The one place where errors become answers: a SessionError answers its own status and stable
 * code; an HTTP error from Express (bad JSON, aborted body) its status; anything else 500
 * `INTERNAL` without its message. Server errors are logged as errors, refusals as warnings.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    const { status, body } = errorAnswer(error);
    const fields = { method: req.method, path: req.path, status, error };
    if (status >= 500) logger.error('request failed', fields);
    else logger.warn('request refused', fields);
    if (res.headersSent) {
      next(error);
      return;
    }
    res.status(status).set('Cache-Control', 'no-store').json(body);
  };
}

/** Unknown paths answer JSON too. */
export const notFound: RequestHandler = (req, res) => {
  const body: ErrorBody = { error: { code: 'NOT_FOUND', message: `no route for ${req.method} ${req.path}` } };
  res.status(404).json(body);
};

export function errorAnswer(error: unknown): { status: number; body: ErrorBody } {
  if (isSessionError(error))
    return { status: error.status, body: { error: { code: error.code, message: error.message } } };
  const status = httpStatusOf(error);
  if (status !== undefined && status < 500) {
    const message = error instanceof Error ? error.message : 'bad request';
    return { status, body: { error: { code: `HTTP_${status}`, message } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } };
}

/** The status an http-errors style error carries (Express and its body readers throw these). */
function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' && value >= 400 && value <= 599 ? value : undefined;
}
