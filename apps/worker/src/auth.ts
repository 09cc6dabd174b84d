import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SECRET_HEADER } from '@gaesession/events';
import type { RequestHandler } from 'express';
import { ForbiddenError } from './errors.js';

/**
 * Which caller an endpoint is for: Cloud Tasks (`task`), App Engine cron (`cron`), or an operator
 * or scraper reading `/metrics` (`operator`), who proves itself with the shared secret everywhere.
 */
export type PlatformCaller = 'task' | 'cron' | 'operator';

/** Who may call the task and cron endpoints. */
export interface AuthPolicy {
  /**
   * True on App Engine (GAE_ENV is set). Only there are `X-AppEngine-*` headers proof: App
   * Engine strips them from outside requests. Elsewhere anyone can send them.
   */
  onAppEngine: boolean;
  /** The Cloud Tasks queue whose tasks are accepted (QUEUE_NAME), as in `X-AppEngine-QueueName`. */
  queueName: string;
  /**
   * Off App Engine, the value the `X-Worker-Secret` header must carry (WORKER_SHARED_SECRET).
   * Undefined off App Engine refuses every request. On App Engine it is consulted only for
   * `operator` endpoints (undefined refuses them there too).
   */
  sharedSecret: string | undefined;
}

export type AuthDecision =
  { readonly ok: true; readonly via: string } | { readonly ok: false; readonly reason: string };

/** Decides whether a request to a `caller` endpoint comes from the platform. Pure. */
export function authorize(caller: PlatformCaller, headers: IncomingHttpHeaders, policy: AuthPolicy): AuthDecision {
  if (policy.onAppEngine && caller !== 'operator') {
    if (caller === 'task') {
      const queue = single(headers['x-appengine-queuename']);
      return queue === policy.queueName
        ? { ok: true, via: `queue ${queue}` }
        : { ok: false, reason: `only tasks of queue "${policy.queueName}" may call this endpoint` };
    }
    return single(headers['x-appengine-cron']) === 'true'
      ? { ok: true, via: 'cron' }
      : { ok: false, reason: 'only App Engine cron may call this endpoint' };
  }
  if (policy.sharedSecret === undefined) {
    return {
      ok: false,
      reason:
        caller === 'operator'
          ? 'WORKER_SHARED_SECRET is not set: /metrics is refused'
          : 'WORKER_SHARED_SECRET is not set: off App Engine every task and cron call is refused',
    };
  }
  const given = single(headers[SECRET_HEADER.toLowerCase()]);
  return given !== undefined && sameSecret(given, policy.sharedSecret)
    ? { ok: true, via: 'shared secret' }
    : { ok: false, reason: `a valid ${SECRET_HEADER} header is required` };
}

/** Express middleware: passes the caller's requests on, refuses the rest with {@link ForbiddenError} (403). */
export function requirePlatform(caller: PlatformCaller, policy: AuthPolicy): RequestHandler {
  return (req, _res, next) => {
    const decision = authorize(caller, req.headers, policy);
    if (decision.ok) next();
    else next(new ForbiddenError(decision.reason));
  };
}

/** Constant-time comparison; hashing first makes the lengths equal, so not even the length leaks. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** A header sent once; a repeated header (an array) counts as absent. */
function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
