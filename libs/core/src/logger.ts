import { isSessionError } from './errors.js';

/** Extra structured fields of a log line. Never put tokens, cookie values or session data here. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * Structured logging. The libraries log only through a logger they are handed (a silent one by
 * default); the apps build one and pass it everywhere.
 */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

type Severity = 'INFO' | 'WARNING' | 'ERROR';

/**
 * A logger writing JSON lines with `severity`, `message` and `time`, the shape Cloud Logging
 * parses from App Engine's stdout. Error values in fields are reduced to name, code and message.
 */
export function jsonLogger(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Logger {
  const log = (severity: Severity, message: string, fields: LogFields = {}): void => {
    const entries = Object.entries(fields).map(([name, value]) => [name, loggable(value)]);
    write(JSON.stringify({ severity, message, time: new Date().toISOString(), ...Object.fromEntries(entries) }));
  };
  return {
    info: (message, fields) => {
      log('INFO', message, fields);
    },
    warn: (message, fields) => {
      log('WARNING', message, fields);
    },
    error: (message, fields) => {
      log('ERROR', message, fields);
    },
  };
}

/** A logger that drops everything (the libraries' default, tests, quiet CLIs). */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** An error as a log field: its name, stable code and message, and its cause's message. */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const cause = error.cause instanceof Error ? { cause: error.cause.message } : {};
  return { name: error.name, ...(isSessionError(error) ? { code: error.code } : {}), message: error.message, ...cause };
}

function loggable(value: unknown): unknown {
  return value instanceof Error ? describeError(value) : value;
}
