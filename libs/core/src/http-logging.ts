import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from './logger.js';
import { traceFromHeaders, traceLogFields, withTrace } from './trace.js';

const requestLoggers = new WeakMap<IncomingMessage, Logger>();

/** The logger of a request (with its trace) when {@link requestLogging} saw it, else `fallback`. */
export function loggerFor(req: IncomingMessage, fallback: Logger): Logger {
  return requestLoggers.get(req) ?? fallback;
}

export interface RequestLoggingOptions {
  /** The Google Cloud project, for the trace field (`projects/<id>/traces/<trace>`). */
  readonly projectId: string;
}

type Next = (error?: unknown) => void;

/**
 * Connect-style middleware: reads the request's trace (`traceparent` or `X-Cloud-Trace-Context`),
 * makes it the current trace for everything the request does (events carry it to the worker), and
 * logs one `request` line when the response is done, with Cloud Logging's `httpRequest` fields and
 * the trace (so App Engine groups it with the request). Never logs headers, cookies or the query.
 */
export function requestLogging(
  logger: Logger,
  options: RequestLoggingOptions,
): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  return (req, res, next) => {
    const trace = traceFromHeaders(req.headers);
    const log = trace === undefined ? logger : logger.child(traceLogFields(trace, options.projectId));
    requestLoggers.set(req, log);
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.statusCode;
      const httpRequest = {
        requestMethod: req.method,
        requestUrl: pathOf(req),
        status,
        latency: `${seconds.toFixed(6)}s`,
        ...responseSize(res),
      };
      if (status >= 500) log.error('request', { httpRequest });
      else if (status >= 400) log.warn('request', { httpRequest });
      else log.info('request', { httpRequest });
    });
    withTrace(trace, next);
  };
}

/** The request's path, without its query (which may carry cursors or other data). */
export function pathOf(req: IncomingMessage): string {
  // Express rewrites `url` inside a mounted router and keeps the original here.
  const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  return url.split('?', 1)[0] ?? '/';
}

function responseSize(res: ServerResponse): { responseSize?: string } {
  const length = res.getHeader('content-length');
  return length === undefined ? {} : { responseSize: String(length) };
}
