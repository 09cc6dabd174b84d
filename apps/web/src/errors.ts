import { SessionError } from '@gaesession/core';

/** The codes of the demo's JSON API. */
export type WebErrorCode = 'NO_SESSION' | 'BAD_BODY' | 'UNSUPPORTED_MEDIA_TYPE' | 'NO_SUCH_SESSION';

/**
 * A request the API refuses, answered with `status` and `code` by the app's one error handler
 * (`errorHandler` of @gaesession/core), like every other error.
 */
export class ApiError extends SessionError {
  constructor(status: number, code: WebErrorCode, message: string) {
    super(code, message, { status });
  }
}

/** A request that needs a session and has none. */
export function noSession(): ApiError {
  return new ApiError(401, 'NO_SESSION', 'log in first (POST /api/login)');
}

/** A body the route reads but cannot use. */
export function badBody(message: string): ApiError {
  return new ApiError(400, 'BAD_BODY', message);
}

/** A body sent with another content type than JSON (a form, text, or none at all). */
export function notJson(contentType: string | undefined): ApiError {
  const type = contentType?.split(';', 1)[0]?.trim().slice(0, 100);
  const sent = type === undefined || type === '' ? 'no content-type' : `content-type: ${type}`;
  return new ApiError(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    `send the body as JSON with content-type: application/json (got ${sent})`,
  );
}

/** A session id that is not one of the caller's live sessions (unknown, ended, or another user's). */
export function noSuchSession(): ApiError {
  return new ApiError(404, 'NO_SUCH_SESSION', 'no such session among yours (GET /api/sessions lists them)');
}
