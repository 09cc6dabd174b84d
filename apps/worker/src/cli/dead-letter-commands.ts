import { readFile } from 'node:fs/promises';
import { decodeBatch } from '@gaesession/events';
import type { DeadLetter } from '@gaesession/persistence';
import { isSessionError, messageOf } from '@gaesession/core';
import { parseCli, positiveInteger, refusal, UsageError } from './args.js';
import { EXIT, type CliContext, type CliOutput } from './context.js';

export const DEAD_LETTERS_USAGE = `usage: dead-letters <command> [flags]
  list [--limit N]          most recent failures first (default: 50)
  show <id>                 one letter, with its payload decoded
  replay <id>               apply the letter's events, then delete it (harmless to repeat)
  replay --all              replay every letter; failures stay, with their new reason
  update <id> <file|->      replace the payload (to fix it before a replay); - reads stdin
  discard <id>              delete a letter without replaying it
  -h, --help                show this text
An id that starts with "--" goes after a "--": show -- --abc...
exit codes: 0 done, 1 failed or not found, 2 usage`;

type Context = Pick<CliContext, 'deadLetters' | 'repository'>;

const FLAGS = {
  limit: { type: 'string', value: 'n' },
  all: { type: 'boolean' },
} as const;

/** The positional arguments each command takes after its name. */
const ARGUMENTS = {
  list: [],
  show: ['id'],
  replay: ['id'],
  update: ['id', 'file'],
  discard: ['id'],
} as const;

type Command = keyof typeof ARGUMENTS;

const COMMANDS = Object.keys(ARGUMENTS) as Command[];

type Invocation =
  | { readonly command: 'list'; readonly limit: number }
  | { readonly command: 'replay-all' }
  | { readonly command: 'show' | 'replay' | 'discard'; readonly id: string }
  | { readonly command: 'update'; readonly id: string; readonly file: string };

/**
 * The command and its arguments, checked.
 *
 * @throws UsageError naming what is wrong.
 */
function invocation(argv: readonly string[]): Invocation | 'help' {
  const { values, positionals, help } = parseCli(argv, FLAGS, { positionals: true });
  if (help) return 'help';
  const [name, ...args] = positionals;
  if (name === undefined) throw new UsageError(`no command given: expected ${COMMANDS.join(', ')}`);
  if (!Object.hasOwn(ARGUMENTS, name))
    throw new UsageError(`unknown command ${JSON.stringify(name)}: expected ${COMMANDS.join(', ')}`);
  const command = name as Command;
  if (values.limit !== undefined && command !== 'list') throw new UsageError(`--limit applies to list, not ${command}`);
  if (values.all && command !== 'replay') throw new UsageError(`--all applies to replay, not ${command}`);
  if (command === 'replay' && values.all) {
    if (args.length > 0) throw new UsageError('replay takes an id or --all, not both');
    return { command: 'replay-all' };
  }
  const wanted: readonly string[] = ARGUMENTS[command];
  if (args.length > wanted.length) {
    const synopsis = [command, ...wanted.map((arg) => `<${arg}>`)].join(' ');
    throw new UsageError(`unexpected argument ${JSON.stringify(args[wanted.length])} after ${synopsis}`);
  }
  if (args.length < wanted.length) {
    const missing = wanted.slice(args.length).map((arg) => `<${arg}>`);
    throw new UsageError(`${command} needs ${missing.join(' ')}${command === 'replay' ? ' or --all' : ''}`);
  }
  const [id = '', file = ''] = args;
  switch (command) {
    case 'list':
      return { command, limit: values.limit === undefined ? 50 : positiveInteger('limit', values.limit) };
    case 'update':
      return { command, id, file };
    default:
      return { command, id };
  }
}

/** Runs one dead-letter command; resolves with the exit code. */
export async function runDeadLetterCommand(
  argv: readonly string[],
  context: Context,
  output: CliOutput,
): Promise<number> {
  let call;
  try {
    call = invocation(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.err(refusal('dead-letters', FLAGS, error));
    return EXIT.usage;
  }
  if (call === 'help') {
    output.out(DEAD_LETTERS_USAGE);
    return EXIT.ok;
  }
  switch (call.command) {
    case 'list':
      return list(context, output, call.limit);
    case 'show':
      return show(context, output, call.id);
    case 'replay':
      return replayOne(context, output, call.id);
    case 'replay-all':
      return replayAll(context, output);
    case 'update':
      return update(context, output, call.id, call.file);
    case 'discard':
      return discard(context, output, call.id);
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

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
