import { isSessionError } from './errors.js';

/** Extra structured fields of a log line. Never put tokens, cookie values or session data here. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * Structured logging. The libraries log only through a logger they are handed (a silent one by
 * default); the apps build one (`createLogger` of @gaesession/config: JSON lines Cloud Logging
 * reads, readable lines on a terminal) and pass it everywhere. An `Error` among the fields is
 * logged with its name, code, message and stack.
 */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (a request's trace, say). */
  child(fields: LogFields): Logger;
}

/** A logger that drops everything (the libraries' default, tests, quiet CLIs). */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

/** An error as a log field: its name, stable code and message, and its cause's message. */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const cause = error.cause instanceof Error ? { cause: error.cause.message } : {};
  return { name: error.name, ...(isSessionError(error) ? { code: error.code } : {}), message: error.message, ...cause };
}
