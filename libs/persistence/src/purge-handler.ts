import type { IncomingMessage, ServerResponse } from 'node:http';
import { isSessionError } from '@gaesession/session';
import { purgeExpired, type PurgeOptions } from './purge.js';

/**
 * An Express / `node:http` handler that runs {@link purgeExpired} and answers its result as JSON
 * (200), for an app without a worker service. A `?cursor=` query parameter resumes an unfinished
 * run. Errors answer `{ error: code, message }` with the error's status (503 when Datastore is
 * unreachable, 400 for a bad cursor, else 500).
 *
 * It does NO authentication: mount it only behind the check that the request comes from App
 * Engine cron (the `X-Appengine-Cron: true` header, which App Engine strips from outside requests)
 * or another platform-only guard, or anyone can make your app run purges.
 */
export function purgeHandler(
  options: Omit<PurgeOptions, 'cursor'>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const cursor = new URL(req.url ?? '/', 'http://localhost').searchParams.get('cursor');
    purgeExpired(cursor === null || cursor === '' ? options : { ...options, cursor }).then(
      (result) => {
        answer(res, 200, result);
      },
      (error: unknown) => {
        const status = isSessionError(error) ? error.status : 500;
        const code = isSessionError(error) ? error.code : 'INTERNAL';
        answer(res, status, { error: { code, message: error instanceof Error ? error.message : String(error) } });
      },
    );
  };
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(json);
}
