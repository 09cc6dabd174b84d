// The command-line programs' common part: flags parsed by node:util's parseArgs (strict), a
// refused flag or value answered with one line and exit code 2, --help answered with the usage.
// Programs in infra/ and apps/bench use it (as `@gaesession/infra/cli`); the worker's admin
// tools have their own smaller copy (apps/worker/src/cli/args.ts: a product app imports no infra).
import { parseArgs } from 'node:util';

/** One flag of a command line. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  /** A one-letter alias (`-h`). */
  readonly short?: string;
  /** Repeatable: the values come as an array, in order. */
  readonly multiple?: boolean;
  /** The value when the flag is absent (handed to parseArgs), also shown in the usage. */
  readonly default?: string | readonly string[];
  /** The usage's "(default …)" for a default the program works out itself. */
  readonly defaultText?: string;
  /** What a string flag's value looks like, shown as `<value>` in the usage and in errors: `n`, `bullmq|cloud-tasks`. */
  readonly value?: string;
  /** One line for the usage. */
  readonly description: string;
}

/** A command line: its flags, and how it is run (for the usage and the error prefix). */
export interface CommandSpec<O extends Readonly<Record<string, FlagSpec>>> {
  /** The prefix of error lines: `demo`. */
  readonly name: string;
  /** The usage's first line, after "usage: ": `npm run demo -- [flags]`. */
  readonly usage: string;
  /** Lines printed between the usage line and the flags. */
  readonly description?: string;
  /** The flags; `--help` (`-h`) is added. */
  readonly options: O;
  /** Whether positional arguments are allowed (the program checks them). @defaultValue false */
  readonly positionals?: boolean;
}

/** The spec as given, with its literal types (so that the parsed values are typed). */
export function defineCommand<const O extends Readonly<Record<string, FlagSpec>>>(
  spec: CommandSpec<O>,
): CommandSpec<O> {
  return spec;
}

type FlagValue<F extends FlagSpec> = F['type'] extends 'boolean'
  ? F['multiple'] extends true
    ? boolean[]
    : boolean
  : F['multiple'] extends true
    ? string[]
    : string;

/**
 * The parsed flags: a flag with a default, and a boolean one (false when absent), always has a
 * value; any other is undefined when absent.
 */
export type FlagValues<O extends Readonly<Record<string, FlagSpec>>> = {
  readonly [K in keyof O]: O[K] extends { readonly default: string | readonly string[] }
    ? FlagValue<O[K]>
    : O[K] extends { readonly type: 'boolean'; readonly multiple?: false }
      ? boolean
      : FlagValue<O[K]> | undefined;
};

export interface ParsedCommandLine<O extends Readonly<Record<string, FlagSpec>>> {
  readonly values: FlagValues<O>;
  readonly positionals: readonly string[];
  /** --help (or -h) was given. */
  readonly help: boolean;
}

/** A refused command line. The message is the problem alone; {@link refusal} makes the line to print. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `--flag "value": expected …`: the error for a value the program refuses. */
export function badValue(flag: string, value: string, expected: string): UsageError {
  return new UsageError(`--${flag} ${JSON.stringify(value)}: expected ${expected}`);
}

const HELP: FlagSpec = { type: 'boolean', short: 'h', description: 'show this text' };

function withHelp(options: Readonly<Record<string, FlagSpec>>): Record<string, FlagSpec> {
  return { ...options, help: options.help ?? HELP };
}

/** `<n>`: what a string flag's value looks like. */
const placeholder = (flag: FlagSpec): string => `<${flag.value ?? 'value'}>`;

/** `--port <n>`, `--verbose`. */
const longForm = (name: string, flag: FlagSpec): string =>
  flag.type === 'string' ? `--${name} ${placeholder(flag)}` : `--${name}`;

function defaultOf(flag: FlagSpec): string | undefined {
  if (flag.defaultText !== undefined) return flag.defaultText;
  if (flag.default === undefined) return undefined;
  return typeof flag.default === 'string' ? flag.default : flag.default.join(',');
}

/** The text --help prints: the usage line, the description, and every flag with its default. */
export function usageText<O extends Readonly<Record<string, FlagSpec>>>(spec: CommandSpec<O>): string {
  const flags = Object.entries(withHelp(spec.options)).map(([name, flag]) => {
    const shown = defaultOf(flag);
    const shortForm = flag.short === undefined ? '' : `-${flag.short}, `;
    return [
      `${shortForm}${longForm(name, flag)}`,
      `${flag.description}${shown === undefined ? '' : ` (default: ${shown})`}`,
    ] as const;
  });
  const width = Math.max(...flags.map(([name]) => name.length));
  return [
    `usage: ${spec.usage}`,
    ...(spec.description === undefined ? [] : spec.description.split('\n').map((line) => `  ${line}`)),
    'flags:',
    ...flags.map(([name, text]) => `  ${name.padEnd(width)}  ${text}`),
  ].join('\n');
}

/** The one line a refused command line prints: the problem, then the valid flags. */
export function refusal<O extends Readonly<Record<string, FlagSpec>>>(spec: CommandSpec<O>, error: UsageError): string {
  const flags = Object.entries(withHelp(spec.options)).map(([name, flag]) => longForm(name, flag));
  return `${spec.name}: ${error.message}; valid flags: ${flags.join(', ')}`;
}

/** Edit distance (a swap of two neighbours counts as one edit), for "did you mean". */
function distance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  const at = (r: number, c: number) => rows[r]?.[c] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let best = Math.min(at(i - 1, j) + 1, (row[j - 1] ?? 0) + 1, at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      row[j] = best;
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}

function suggestion(name: string, known: readonly string[]): string {
  const close = known.filter((candidate) => distance(name, candidate) <= Math.min(2, Math.floor(candidate.length / 3)));
  return close.length === 0 ? '' : ` (did you mean --${close.join(' or --')}?)`;
}

/**
 * Names the first argument parseArgs refused (it checks them in order, as this does). parseArgs
 * tokenizes alike with and without `strict`; without it, it accepts anything, so the tokens show
 * which flag and which value the strict parse refused.
 */
function describeRefusal(
  options: Readonly<Record<string, FlagSpec>>,
  argv: readonly string[],
  allowPositionals: boolean,
): string | undefined {
  const { tokens } = parseArgs({ args: [...argv], options: parseArgsOptions(options), strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'positional' && !allowPositionals)
      return `unexpected argument ${JSON.stringify(token.value)} (this command takes only flags)`;
    if (token.kind !== 'option') continue;
    const flag = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (flag === undefined) {
      const given = token.inlineValue === true ? `${token.rawName}=${token.value}` : token.rawName;
      return `unknown flag ${given}${token.rawName.startsWith('--') ? suggestion(token.name, Object.keys(options)) : ''}`;
    }
    const expected = placeholder(flag);
    if (flag.type === 'string' && token.value === undefined)
      return `${token.rawName} needs a value: expected ${expected}`;
    if (flag.type === 'boolean' && token.value !== undefined)
      return `${token.rawName} takes no value, got ${JSON.stringify(token.value)}`;
    if (flag.type === 'string' && token.inlineValue === false && /^-./.test(token.value))
      return (
        `${token.rawName} ${JSON.stringify(token.value)}: expected ${expected}, not a flag ` +
        `(write --${token.name}=${token.value} for a value that starts with "-")`
      );
  }
  return undefined;
}

function parseArgsOptions(options: Readonly<Record<string, FlagSpec>>) {
  return Object.fromEntries(
    Object.entries(options).map(([name, flag]) => {
      const config: { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | string[] } = {
        type: flag.type,
      };
      if (flag.short !== undefined) config.short = flag.short;
      if (flag.multiple !== undefined) config.multiple = flag.multiple;
      if (flag.default !== undefined)
        config.default = typeof flag.default === 'string' ? flag.default : [...flag.default];
      return [name, config];
    }),
  );
}

function isParseArgsError(error: unknown): error is Error & { code: string } {
  return (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code.startsWith('ERR_PARSE_ARGS_')
  );
}

/**
 * Parses `argv` (without node and the script) against the spec with parseArgs, strict: `--flag
 * value` and `--flag=value` both work; an unknown flag, a missing or unexpected value, a string
 * flag's empty value, or a positional argument where none is allowed throws a {@link UsageError}
 * that names the flag and the value. A boolean flag without a default is false when absent.
 */
export function parseCommandLine<const O extends Readonly<Record<string, FlagSpec>>>(
  spec: CommandSpec<O>,
  argv: readonly string[],
): ParsedCommandLine<O> {
  const options = withHelp(spec.options);
  const allowPositionals = spec.positionals === true;
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: parseArgsOptions(options), strict: true, allowPositionals });
  } catch (error) {
    if (!isParseArgsError(error)) throw error;
    throw new UsageError(describeRefusal(options, argv, allowPositionals) ?? error.message);
  }
  const values: Record<string, unknown> = { ...parsed.values };
  for (const [name, flag] of Object.entries(options)) {
    const value = values[name];
    if (flag.type === 'boolean' && flag.multiple !== true) values[name] = value === true;
    const strings = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
    if (flag.type === 'string' && strings.includes(''))
      throw new UsageError(`--${name} "": expected ${placeholder(flag)}`);
  }
  const { help, ...rest } = values;
  return { values: rest as FlagValues<O>, positionals: parsed.positionals, help: help === true };
}

/** Where a command line's answers go; `exit` ends the process (a test's throws). */
export interface CommandLineIo {
  out(text: string): void;
  err(line: string): void;
  exit(code: number): never;
}

const processIo: CommandLineIo = {
  out: (text) => {
    process.stdout.write(`${text}\n`);
  },
  err: (line) => {
    process.stderr.write(`${line}\n`);
  },
  exit: (code) => process.exit(code),
};

/**
 * The program's command line, read: parses `argv` (default: the process's) and hands the result to
 * `read`, which checks values and positionals (throwing {@link UsageError}, e.g. from
 * {@link badValue}, {@link oneOf} or {@link integer}) and returns the program's settings. On
 * --help prints the usage and exits 0; on a refused flag or value prints one line to stderr (the
 * problem and the valid flags) and exits 2.
 */
export function readCommandLine<const O extends Readonly<Record<string, FlagSpec>>, T>(
  spec: CommandSpec<O>,
  read: (parsed: ParsedCommandLine<O>) => T,
  argv: readonly string[] = process.argv.slice(2),
  io: CommandLineIo = processIo,
): T {
  try {
    const parsed = parseCommandLine(spec, argv);
    if (parsed.help) {
      io.out(usageText(spec));
      return io.exit(0);
    }
    return read(parsed);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(refusal(spec, error));
    return io.exit(2);
  }
}

/** `a, b or c`. */
export function either(choices: readonly string[]): string {
  return choices.length <= 1 ? (choices[0] ?? '') : `${choices.slice(0, -1).join(', ')} or ${choices.at(-1) ?? ''}`;
}

/** The value if it is one of `choices`; else a {@link UsageError}. */
export function oneOf<const C extends readonly string[]>(flag: string, value: string, choices: C): C[number] {
  if (!choices.includes(value)) throw badValue(flag, value, either(choices));
  return value;
}

/**
 * A comma-separated subset of `choices` (spaces and empty items ignored), in the order of
 * `choices`; at least one.
 */
export function someOf<const C extends readonly string[]>(flag: string, value: string, choices: C): C[number][] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0 || names.some((name) => !choices.includes(name)))
    throw badValue(flag, value, `comma-separated names from ${choices.join(', ')}`);
  return choices.filter((choice) => names.includes(choice));
}

/** A whole number from `min` to `max` (default: any safe integer). */
export function integer(flag: string, value: string, { min, max }: { min: number; max?: number }): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(number) || number < min || number > (max ?? Infinity)) {
    const range = max !== undefined ? ` from ${min} to ${max}` : min === 1 ? '' : ` from ${min} up`;
    throw badValue(flag, value, `a ${min === 1 && max === undefined ? 'positive ' : ''}whole number${range}`);
  }
  return number;
}

/** A number above 0 (fractions allowed). */
export function positiveNumber(flag: string, value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0) throw badValue(flag, value, 'a number above 0');
  return number;
}
