import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { decodeBatch } from '@gaesession/events';
import type { DeadLetter } from '@gaesession/persistence';
import { isSessionError, messageOf } from '@gaesession/core';
import { EXIT, type CliContext, type CliOutput } from './context.js';

export const DEAD_LETTERS_USAGE = `usage: dead-letters <command>
  list [--limit N]          most recent failures first (default 50)
  show <id>                 one letter, with its payload decoded
  replay <id>               apply the letter's events, then delete it (harmless to repeat)
  replay --all              replay every letter; failures stay, with their new reason
  update <id> <file|->      replace the payload (to fix it before a replay); - reads stdin
  discard <id>              delete a letter without replaying it
exit codes: 0 done, 1 failed or not found, 2 usage`;

type Context = Pick<CliContext, 'deadLetters' | 'repository'>;

const OPTIONS = {
  limit: { type: 'string' },
  all: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** True for `--name` of an option that takes a value (the next argument). */
const takesValue = (arg: string) =>
  Object.entries(OPTIONS).some(([name, option]) => arg === `--${name}` && option.type === 'string');

/**
 * Separates the options from the positionals by hand: a letter id is base64url, so it may start
 * with "-", and must not be taken for an unknown option. Options are long (`--limit`), plus
 * `-h`; `--` ends them (for an id that starts with "--").
 */
function splitArgs(argv: readonly string[]): { optionArgs: string[]; positionals: string[] } {
  const optionArgs: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (takesValue(arg)) optionArgs.push(arg, argv[++i] ?? '');
    else if (arg.startsWith('--') || arg === '-h') optionArgs.push(arg);
    else positionals.push(arg);
  }
  return { optionArgs, positionals };
}

/** Runs one dead-letter command; resolves with the exit code. */
export async function runDeadLetterCommand(
  argv: readonly string[],
  context: Context,
  output: CliOutput,
): Promise<number> {
  let parsed;
  const { optionArgs, positionals } = splitArgs(argv);
  try {
    parsed = parseArgs({ args: optionArgs, options: OPTIONS });
  } catch (error) {
    return usage(output, messageOf(error));
  }
  const { values } = parsed;
  const [command, id, file, ...extra] = positionals;
  if (values.help === true) {
    output.out(DEAD_LETTERS_USAGE);
    return EXIT.ok;
  }
  if (extra.length > 0) return usage(output, `unexpected arguments: ${extra.join(' ')}`);
  switch (command) {
    case 'list': {
      const limit = values.limit === undefined ? 50 : Number(values.limit);
      if (!Number.isSafeInteger(limit) || limit < 1)
        return usage(output, `--limit ${values.limit ?? ''}: expected a positive integer`);
      return list(context, output, limit);
    }
    case 'show':
      return id === undefined ? usage(output, 'show needs an id') : show(context, output, id);
    case 'replay':
      if (values.all === true)
        return id === undefined ? replayAll(context, output) : usage(output, 'replay takes an id or --all, not both');
      return id === undefined ? usage(output, 'replay needs an id or --all') : replayOne(context, output, id);
    case 'update':
      return id === undefined || file === undefined
        ? usage(output, 'update needs an id and a file')
        : update(context, output, id, file);
    case 'discard':
      return id === undefined ? usage(output, 'discard needs an id') : discard(context, output, id);
    default:
      return usage(output, command === undefined ? 'no command given' : `unknown command "${command}"`);
  }
}

async function list(context: Context, output: CliOutput, limit: number): Promise<number> {
  const letters = await context.deadLetters.list({ limit });
  if (letters.length === 0) {
    output.out('no dead letters');
    return EXIT.ok;
  }
  for (const letter of letters) output.out(summary(letter));
  output.out(
    `${letters.length} dead letter(s)${letters.length === limit ? ` (the ${limit} most recent; see --limit)` : ''}`,
  );
  return EXIT.ok;
}

async function show(context: Context, output: CliOutput, id: string): Promise<number> {
  const letter = await context.deadLetters.get(id);
  if (letter === undefined) return notFound(output, id);
  let decoded: { events: unknown[] } | { decodeError: string };
  try {
    decoded = { events: decodeBatch(letter.payload) };
  } catch (error) {
    decoded = { decodeError: messageOf(error) };
  }
  output.out(JSON.stringify({ ...letter, ...decoded }, null, 2));
  return EXIT.ok;
}

async function replayOne(context: Context, output: CliOutput, id: string): Promise<number> {
  const failure = await replay(context, output, id);
  return failure ? EXIT.failed : EXIT.ok;
}

/** Replays every letter once; letters that fail stay, and are not tried again in this run. */
async function replayAll(context: Context, output: CliOutput): Promise<number> {
  const tried = new Set<string>();
  let failed = 0;
  for (;;) {
    const untried = (await context.deadLetters.list({ limit: 100 })).filter((letter) => !tried.has(letter.id));
    if (untried.length === 0) break;
    for (const letter of untried) {
      tried.add(letter.id);
      if (await replay(context, output, letter.id)) failed++;
    }
  }
  output.out(
    `replayed ${tried.size - failed} of ${tried.size} dead letter(s)${failed > 0 ? `; ${failed} failed and stay` : ''}`,
  );
  return failed > 0 ? EXIT.failed : EXIT.ok;
}

/** Replays one letter and reports it; true when the replay failed. */
async function replay(context: Context, output: CliOutput, id: string): Promise<boolean> {
  try {
    const result = await context.deadLetters.replay(id, (events) => context.repository.apply(events));
    output.out(
      result.replayed
        ? `replayed ${id}: ${result.events} event(s) applied, letter deleted`
        : `no dead letter ${id}: nothing to replay (already replayed?)`,
    );
    return false;
  } catch (error) {
    const code = isSessionError(error) ? `${error.code}: ` : '';
    output.err(`replay of ${id} failed, the letter stays: ${code}${messageOf(error)}`);
    return true;
  }
}

async function update(context: Context, output: CliOutput, id: string, file: string): Promise<number> {
  const text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  // Editors end files with a newline; a payload never does.
  const payload = text.replace(/\r?\n$/, '');
  if (!(await context.deadLetters.update(id, payload))) return notFound(output, id);
  output.out(`updated ${id} (${Buffer.byteLength(payload)} bytes); replay it with: dead-letters replay ${id}`);
  return EXIT.ok;
}

async function discard(context: Context, output: CliOutput, id: string): Promise<number> {
  if (!(await context.deadLetters.discard(id))) return notFound(output, id);
  output.out(`discarded ${id}`);
  return EXIT.ok;
}

function summary(letter: DeadLetter): string {
  const error = letter.error.length > 100 ? `${letter.error.slice(0, 99)}…` : letter.error;
  return [
    letter.id,
    letter.lastFailure.toISOString(),
    `failures=${letter.failures}`,
    `attempts=${letter.attempts}`,
    letter.code ?? '-',
    letter.source ?? '-',
    letter.truncated ? 'TRUNCATED' : '',
    error,
  ]
    .filter((field) => field !== '')
    .join('  ');
}

function notFound(output: CliOutput, id: string): number {
  output.err(`no dead letter ${id}`);
  return EXIT.failed;
}

function usage(output: CliOutput, problem: string): number {
  output.err(`${problem}\n${DEAD_LETTERS_USAGE}`);
  return EXIT.usage;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
