import { describeError, type LogFields, type Logger } from '@gaesession/core';
import { pino, type DestinationStream, type Logger as Pino } from 'pino';
import type { Config } from './config.js';
import { readableLine } from './readable-log.js';

export interface LoggerOptions {
  /** The service's name, for Error Reporting (`serviceContext.service`). @defaultValue 'gaesession' */
  readonly service?: string;
  /** Its version (App Engine: GAE_VERSION). @defaultValue none */
  readonly version?: string;
  /** Where lines go. @defaultValue stdout */
  readonly destination?: DestinationStream;
  /** Readable lines instead of JSON. @defaultValue true when stdout is a terminal */
  readonly readable?: boolean;
  /** The least severe level written. @defaultValue 'info' */
  readonly level?: 'debug' | 'info' | 'warn' | 'error';
}

const SEVERITY: Readonly<Record<string, string>> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

/** The logger `config` describes (LOG_LEVEL, GAE_VERSION), for `service`. */
export function loggerFromConfig(config: Config, options: Omit<LoggerOptions, 'level' | 'version'> = {}): Logger {
  return createLogger({
    ...options,
    level: config.logLevel,
    ...(config.version === undefined ? {} : { version: config.version }),
  });
}

/**
 * The apps' logger: pino writing JSON lines in the shape Cloud Logging reads from App Engine's
 * stdout: `severity`, `message`, `time`, the trace fields a request's child logger adds
 * (`logging.googleapis.com/trace`, see `requestLogging`), and for an error `stack_trace` (so Error
 * Reporting groups it) and `serviceContext`. On a terminal it prints readable lines instead.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const readable = options.readable ?? process.stdout.isTTY;
  const destination = options.destination ?? (readable ? readableStdout() : pino.destination({ sync: true }));
  const base = pino(
    {
      level: options.level ?? 'info',
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      base: { serviceContext: { service: options.service ?? 'gaesession', ...versionOf(options) } },
      formatters: { level: (label) => ({ severity: SEVERITY[label] ?? 'DEFAULT' }) },
    },
    destination,
  );
  return wrap(base);
}

function wrap(log: Pino): Logger {
  const write = (level: 'info' | 'warn' | 'error', message: string, fields: LogFields = {}): void => {
    log[level](withErrors(fields), message);
  };
  return {
    info: (message, fields) => {
      write('info', message, fields);
    },
    warn: (message, fields) => {
      write('warn', message, fields);
    },
    error: (message, fields) => {
      write('error', message, fields);
    },
    child: (fields) => wrap(log.child(fields)),
  };
}

/** Errors among the fields as name, code and message, and the first one's stack as `stack_trace`. */
function withErrors(fields: LogFields): Record<string, unknown> {
  let stack: string | undefined;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value instanceof Error) {
      stack ??= value.stack;
      out[name] = describeError(value);
    } else {
      out[name] = value;
    }
  }
  return stack === undefined ? out : { ...out, stack_trace: stack };
}

function versionOf(options: LoggerOptions): { version?: string } {
  return options.version === undefined ? {} : { version: options.version };
}

function readableStdout(): DestinationStream {
  return {
    write: (line: string) => {
      process.stdout.write(`${readableLine(line)}\n`);
    },
  };
}
