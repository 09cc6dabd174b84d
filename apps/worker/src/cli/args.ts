// The admin tools' command lines: flags parsed by node:util's parseArgs (strict), a refused flag
// or value answered with one line naming it and listing the valid flags. (infra/src/cli/args.ts
// does the same for the repository's other programs; a product app does not import infra.)
import { parseArgs } from 'node:util';

/** One flag; `--help` (`-h`) is always added. */
export interface CliFlag {
  readonly type: 'string' | 'boolean';
  /** What a string flag's value looks like, shown as `<value>` in errors: `n`. */
  readonly value?: string;
}

export type CliFlags = Readonly<Record<string, CliFlag>>;

/** The parsed flags: a string flag's value, undefined when absent; a boolean flag, false when absent. */
export type CliValues<F extends CliFlags> = {
  readonly [K in keyof F]: F[K]['type'] extends 'boolean' ? boolean : string | undefined;
};

export interface ParsedCli<F extends CliFlags> {
  readonly values: CliValues<F>;
  readonly positionals: readonly string[];
  readonly help: boolean;
}

/** A refused command line; the message is the problem alone ({@link refusal} makes the line). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `--flag "value": expected …`. */
export function badValue(flag: string, value: string, expected: string): UsageError {
  return new UsageError(`--${flag} ${JSON.stringify(value)}: expected ${expected}`);
}

/** A whole number ≥ 1. */
export function positiveInteger(flag: string, value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(number) || number < 1)
    throw badValue(flag, value, 'a positive whole number');
  return number;
}

const withHelp = (flags: CliFlags): Record<string, CliFlag & { short?: string }> => ({
  ...flags,
  help: { type: 'boolean', short: 'h' },
});

const placeholder = (flag: CliFlag) => `<${flag.value ?? 'value'}>`;

/** The one line a refused command line prints: `tool: problem; valid flags: …`. */
export function refusal(tool: string, flags: CliFlags, error: UsageError): string {
  const names = Object.entries(withHelp(flags)).map(([name, flag]) =>
    flag.type === 'string' ? `--${name} ${placeholder(flag)}` : `--${name}`,
  );
  return `${tool}: ${error.message}; valid flags: ${names.join(', ')}`;
}

/**
 * Puts the flags first and every positional argument after a `--`: an argument is a flag only
 * when it starts with "--" (or is `-h`), so a base64url id that starts with "-" stays an id; a
 * string flag written `--flag value` keeps its value; `--` ends the flags.
 *
 * @throws UsageError for a string flag at the end, without its value.
 */
function flagsFirst(argv: readonly string[], flags: CliFlags): string[] {
  const options: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h') options.push(arg);
    else if (!arg.startsWith('--')) positionals.push(arg);
    else {
      options.push(arg);
      const name = arg.slice(2);
      const flag = Object.hasOwn(flags, name) ? flags[name] : undefined;
      if (flag?.type === 'string') {
        const next = argv[++i];
        // Checked here: parseArgs would take the "--" added below for the value.
        if (next === undefined) throw new UsageError(`${arg} needs a value: expected ${placeholder(flag)}`);
        options.push(next);
      }
    }
  }
  return [...options, '--', ...positionals];
}

/** The first argument the strict parse refused, named (parseArgs checks in this order too). */
function describe(args: readonly string[], flags: CliFlags, allowPositionals: boolean): string | undefined {
  const options = withHelp(flags);
  const { tokens } = parseArgs({ args: [...args], options, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'positional' && !allowPositionals)
      return `unexpected argument ${JSON.stringify(token.value)} (this command takes only flags)`;
    if (token.kind !== 'option') continue;
    const flag = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (flag === undefined)
      return `unknown flag ${token.inlineValue === true ? `${token.rawName}=${token.value}` : token.rawName}`;
    if (flag.type === 'string' && token.value === undefined)
      return `${token.rawName} needs a value: expected ${placeholder(flag)}`;
    if (flag.type === 'boolean' && token.value !== undefined)
      return `${token.rawName} takes no value, got ${JSON.stringify(token.value)}`;
    if (flag.type === 'string' && token.inlineValue === false && /^-./.test(token.value))
      return `${token.rawName} ${JSON.stringify(token.value)}: expected ${placeholder(flag)}, not a flag`;
  }
  return undefined;
}

/**
 * Parses argv (without node and the script) with parseArgs, strict, `--flag value` or
 * `--flag=value`, flags anywhere.
 *
 * @throws UsageError naming the flag and the value, for an unknown flag, a missing, empty or
 *   unexpected value, or a positional argument when `positionals` is false.
 */
export function parseCli<const F extends CliFlags>(
  argv: readonly string[],
  flags: F,
  { positionals: allowPositionals }: { positionals: boolean },
): ParsedCli<F> {
  const args = flagsFirst(argv, flags);
  let parsed;
  try {
    parsed = parseArgs({ args, options: withHelp(flags), strict: true, allowPositionals });
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS_'))) throw error;
    throw new UsageError(describe(args, flags, allowPositionals) ?? error.message);
  }
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, flag] of Object.entries(flags)) {
    const value = parsed.values[name];
    if (flag.type === 'boolean') values[name] = value === true;
    else if (value === '') throw new UsageError(`--${name} "": expected ${placeholder(flag)}`);
    else values[name] = typeof value === 'string' ? value : undefined;
  }
  return { values: values as CliValues<F>, positionals: parsed.positionals, help: parsed.values.help === true };
}
