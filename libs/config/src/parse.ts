import { SessionError } from '@gaesession/core';

/** The environment, as `process.env` holds it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Which app reads the configuration; a few defaults differ between them (PORT). */
export type Service = 'web' | 'worker';

/** What a parser may look at besides the variable's own value. */
export interface ParseContext {
  readonly service: Service;
  /** True on App Engine (GAE_ENV is set). */
  readonly onAppEngine: boolean;
}

/**
 * A variable whose value cannot be used: `message` is one line naming the variable, the value and
 * what is expected, fit to print as it is (the apps print it and exit 2).
 */
export class ConfigVariableError extends SessionError {
  readonly variable: string;

  constructor(variable: string, value: string, expected: string) {
    super('CONFIG_INVALID_VARIABLE', `${variable}=${value}: expected ${expected}`);
    this.variable = variable;
  }
}

/** One environment variable: its name, meaning, default and parser, defined once. */
export interface Variable<T> {
  readonly name: string;
  readonly description: string;
  /** The default as the README shows it; undefined when the variable is optional and has none. */
  readonly shownDefault: string | undefined;
  /** The value for `raw` (undefined when unset or blank); throws {@link ConfigVariableError}. */
  parse(raw: string | undefined, context: ParseContext): T;
}

type Doc = Pick<Variable<unknown>, 'name' | 'description'>;

/** A string, or `fallback` when unset. */
export function text(doc: Doc, fallback: string): Variable<string> {
  return { ...doc, shownDefault: fallback, parse: (raw) => raw ?? fallback };
}

/** A string, or undefined when unset. */
export function optionalText(doc: Doc): Variable<string | undefined> {
  return { ...doc, shownDefault: undefined, parse: (raw) => raw };
}

/** An integer ≥ `min`, or `fallback` (a number, or one per service) when unset. */
export function integer(
  doc: Doc,
  fallback: number | Readonly<Record<Service, number>>,
  min = 0,
  shownDefault?: string,
): Variable<number> {
  const shown = typeof fallback === 'number' ? String(fallback) : `${fallback.web} (web), ${fallback.worker} (worker)`;
  return {
    ...doc,
    shownDefault: shownDefault ?? shown,
    parse: (raw, context) =>
      raw === undefined
        ? typeof fallback === 'number'
          ? fallback
          : fallback[context.service]
        : toInteger(doc.name, raw, min),
  };
}

/** An integer ≥ `min`, or undefined when unset. */
export function optionalInteger(doc: Doc, min = 0): Variable<number | undefined> {
  return {
    ...doc,
    shownDefault: undefined,
    parse: (raw) => (raw === undefined ? undefined : toInteger(doc.name, raw, min)),
  };
}

/** A number between 0 and 1. */
export function fraction(doc: Doc, fallback: number): Variable<number> {
  return {
    ...doc,
    shownDefault: String(fallback),
    parse: (raw) => {
      if (raw === undefined) return fallback;
      const value = Number(raw);
      if (!Number.isFinite(value) || value < 0 || value > 1) {
        throw new ConfigVariableError(doc.name, raw, 'a fraction between 0 and 1');
      }
      return value;
    },
  };
}

/** One of `allowed`, or the fallback (which may depend on where the app runs). */
export function oneOf<const T extends string>(
  doc: Doc,
  allowed: readonly T[],
  fallback: T | ((context: ParseContext) => T),
  shownDefault?: string,
): Variable<T> {
  return {
    ...doc,
    shownDefault: shownDefault ?? (typeof fallback === 'string' ? fallback : undefined),
    parse: (raw, context) => {
      if (raw === undefined) return typeof fallback === 'string' ? fallback : fallback(context);
      if (!(allowed as readonly string[]).includes(raw)) {
        throw new ConfigVariableError(doc.name, raw, `one of ${allowed.join(', ')}`);
      }
      return raw as T;
    },
  };
}

/** `true`/`1` or `false`/`0`. */
export function flag(doc: Doc, fallback: boolean): Variable<boolean> {
  return {
    ...doc,
    shownDefault: String(fallback),
    parse: (raw) => {
      if (raw === undefined) return fallback;
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw new ConfigVariableError(doc.name, raw, 'true, false, 1 or 0');
    },
  };
}

/** A comma-separated list; blank items are dropped. */
export function list(doc: Doc): Variable<readonly string[]> {
  return {
    ...doc,
    shownDefault: undefined,
    parse: (raw) =>
      (raw ?? '')
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
  };
}

function toInteger(name: string, raw: string, min: number): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ConfigVariableError(name, raw, `an integer ≥ ${min}`);
  }
  return value;
}
