import type { IncomingMessage, ServerResponse } from 'node:http';
import { isSessionError } from './errors.js';
import { loggerFor, pathOf } from './http-logging.js';
import type { Logger } from './logger.js';

/** The JSON body of every error answer: a stable code and a message. */
export interface ErrorBody {
  error: { code: string; message: string };
}

export interface ErrorAnswer {
  readonly status: number;
  readonly body: ErrorBody;
}

/**
 * The one mapping from an error to an HTTP answer, used by the session middleware, the web app
 * and the worker: a SessionError with a status answers that status and its stable code; a body
 * too large for a body parser 413 `TOO_LARGE`, a body that is not JSON 400 `BAD_JSON`; any other
 * HTTP error from Express (http-errors: `status` 4xx) its status as `HTTP_<status>`; anything else
 * 500 `INTERNAL`, without its message (which may describe internals).
 */
export function errorAnswer(error: unknown): ErrorAnswer {
  if (isSessionError(error) && error.status !== undefined) {
    return { status: error.status, body: { error: { code: error.code, message: error.message } } };
  }
  const parser = bodyParserAnswer(error);
  if (parser !== undefined) return parser;
  const status = httpStatusOf(error);
  if (status !== undefined && status < 500) {
    const message = error instanceof Error ? error.message : 'bad request';
    return { status, body: { error: { code: `HTTP_${status}`, message } } };
  }
  return internalError();
}

/** The answer to an error whose details must not reach the client. */
export function internalError(message = 'internal error'): ErrorAnswer {
  return { status: 500, body: { error: { code: 'INTERNAL', message } } };
}

/** Writes an error answer as JSON (not cacheable), replacing any header the handler had set. */
export function sendErrorAnswer(res: ServerResponse, answer: ErrorAnswer): void {
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  res.statusCode = answer.status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(answer.body));
}

type Next = (error?: unknown) => void;

/**
 * The last error handler of an Express (or connect) app: what no route answered becomes JSON with
 * a stable code (see {@link errorAnswer}), never Express's HTML page. Server errors are logged as
 * errors, refusals as warnings (method, path, status and the error's name, code and message).
 */
export function errorHandler(
  logger: Logger,
): (error: unknown, req: IncomingMessage, res: ServerResponse, next: Next) => void {
  return (error, req, res, next) => {
    const answer = errorAnswer(error);
    const log = loggerFor(req, logger);
    const fields = { method: req.method, path: pathOf(req), status: answer.status, error };
    if (answer.status >= 500) log.error('request failed', fields);
    else log.warn('request refused', fields);
    if (res.headersSent) {
      next(error);
      return;
    }
    sendErrorAnswer(res, answer);
  };
}

/** A handler for what no route matched: JSON 404, like every other error answer. */
export function notFound(req: IncomingMessage, res: ServerResponse): void {
  const message = `no route for ${req.method ?? 'GET'} ${pathOf(req)}`;
  sendErrorAnswer(res, { status: 404, body: { error: { code: 'NOT_FOUND', message } } });
}

/** Express's body parsers tag their errors with a `type`; these two get codes of their own. */
function bodyParserAnswer(error: unknown): ErrorAnswer | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { type, limit } = error as { type?: unknown; limit?: unknown };
  if (type === 'entity.too.large') {
    const message = typeof limit === 'number' ? `bodies are limited to ${limit} bytes` : 'the body is too large';
    return { status: 413, body: { error: { code: 'TOO_LARGE', message } } };
  }
  if (type === 'entity.parse.failed') {
    return { status: 400, body: { error: { code: 'BAD_JSON', message: 'the body is not valid JSON' } } };
  }
  return undefined;
}

/** The status an http-errors style error carries (Express and its body readers throw these). */
function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' && value >= 400 && value <= 599 ? value : undefined;
}
