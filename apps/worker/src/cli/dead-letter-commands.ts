import { readFile } from 'node:fs/promises';
import { decodeBatch } from '@gaesession/events';
import type { DeadLetter } from '@gaesession/persistence';
import { isSessionError, messageOf } from '@gaesession/core';
import { parseCli, positiveInteger, refusal, UsageError } from './args.js';
import { EXIT, type CliContext, type CliOutput } from './context.js';
import { silentProgress, type Progress } from './progress.js';

export const DEAD_LETTERS_USAGE = `usage: dead-letters <command> [flags]
  list [--limit N]          most recent failures first (default: 50)
  show <id>                 one letter, with its payload decoded
  replay <id>               apply the letter's events, then delete it (harmless to repeat)
  replay --all              replay every letter; failures stay, with their new reason
  update <id> <file|->      replace the payload (to fix it before a replay); - reads stdin
  discard <id>              delete a letter without replaying it
  --json                    print the result as JSON on stdout (shapes: apps/worker/README.md)
  -h, --help                show this text
replay --all shows its progress on stderr (a bar on a terminal, a line every 5 s otherwise).
An id that starts with "--" goes after a "--": show -- --abc...
exit codes: 0 done, 1 failed or not found, 2 usage`;

type Context = Pick<CliContext, 'deadLetters' | 'repository'>;

const FLAGS = {
  limit: { type: 'string', value: 'n' },
  all: { type: 'boolean' },
  json: { type: 'boolean' },
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

type Invocation = { readonly json: boolean } & (
  | { readonly command: 'list'; readonly limit: number }
  | { readonly command: 'replay-all' }
  | { readonly command: 'show' | 'replay' | 'discard'; readonly id: string }
  | { readonly command: 'update'; readonly id: string; readonly file: string }
);

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
  const json = values.json;
  if (values.limit !== undefined && command !== 'list') throw new UsageError(`--limit applies to list, not ${command}`);
  if (values.all && command !== 'replay') throw new UsageError(`--all applies to replay, not ${command}`);
  if (command === 'replay' && values.all) {
    if (args.length > 0) throw new UsageError('replay takes an id or --all, not both');
    return { command: 'replay-all', json };
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
      return { command, json, limit: values.limit === undefined ? 50 : positiveInteger('limit', values.limit) };
    case 'update':
      return { command, json, id, file };
    default:
      return { command, json, id };
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
  const { json } = call;
  switch (call.command) {
    case 'list':
      return list(context, output, call.limit, json);
    case 'show':
      return show(context, output, call.id);
    case 'replay':
      return replayOne(context, output, call.id, json);
    case 'replay-all':
      return replayAll(context, output, json);
    case 'update':
      return update(context, output, call.id, call.file, json);
    case 'discard':
      return discard(context, output, call.id, json);
  }
}

/** One letter as `list --json` prints it: everything but the payload, whose size it gives. */
export function letterSummary(letter: DeadLetter): Record<string, unknown> {
  const { payload, firstFailure, lastFailure, ...rest } = letter;
  return {
    ...rest,
    code: rest.code ?? null,
    source: rest.source ?? null,
    firstFailure: firstFailure.toISOString(),
    lastFailure: lastFailure.toISOString(),
    payloadBytes: Buffer.byteLength(payload),
  };
}

function printJson(output: CliOutput, value: unknown): void {
  output.out(JSON.stringify(value, null, 2));
}

async function list(context: Context, output: CliOutput, limit: number, json: boolean): Promise<number> {
  const letters = await context.deadLetters.list({ limit });
  if (json) {
    printJson(output, { count: letters.length, limit, letters: letters.map(letterSummary) });
    return EXIT.ok;
  }
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

async function replayOne(context: Context, output: CliOutput, id: string, json: boolean): Promise<number> {
  const outcome = await replay(context, output, id, { json, progress: silentProgress('') });
  if (json) printJson(output, outcome);
  return outcome.error === undefined ? EXIT.ok : EXIT.failed;
}

/** Replays every letter once; letters that fail stay, and are not tried again in this run. */
async function replayAll(context: Context, output: CliOutput, json: boolean): Promise<number> {
  const total = await context.deadLetters.count();
  const progress = (output.progress ?? silentProgress)('replay', { total, unit: 'letters' });
  progress.update(0);
  const tried = new Set<string>();
  const failed: { id: string; error: string }[] = [];
  let events = 0;
  for (;;) {
    const untried = (await context.deadLetters.list({ limit: 100 })).filter((letter) => !tried.has(letter.id));
    if (untried.length === 0) break;
    for (const letter of untried) {
      tried.add(letter.id);
      const outcome = await replay(context, output, letter.id, { json, progress });
      if (outcome.error !== undefined) failed.push({ id: letter.id, error: outcome.error });
      events += outcome.events;
      progress.update(tried.size);
    }
  }
  progress.finish();
  const replayed = tried.size - failed.length;
  if (json) printJson(output, { tried: tried.size, replayed, events, failed });
  else
    output.out(
      `replayed ${replayed} of ${tried.size} dead letter(s)${failed.length > 0 ? `; ${failed.length} failed and stay` : ''}`,
    );
  return failed.length > 0 ? EXIT.failed : EXIT.ok;
}

/** What one replay did, as `replay --json` prints it. */
interface ReplayOutcome {
  readonly id: string;
  readonly replayed: boolean;
  readonly events: number;
  /** Why it failed (the letter stays). */
  readonly error?: string;
}

/** Replays one letter and reports it (lines unless `json`; a failure always on stderr). */
async function replay(
  context: Context,
  output: CliOutput,
  id: string,
  { json, progress }: { json: boolean; progress: Progress },
): Promise<ReplayOutcome> {
  try {
    const result = await context.deadLetters.replay(id, (events) => context.repository.apply(events));
    if (!json) {
      progress.clear();
      output.out(
        result.replayed
          ? `replayed ${id}: ${result.events} event(s) applied, letter deleted`
          : `no dead letter ${id}: nothing to replay (already replayed?)`,
      );
    }
    return { id, replayed: result.replayed, events: result.events };
  } catch (error) {
    const reason = `${isSessionError(error) ? `${error.code}: ` : ''}${messageOf(error)}`;
    progress.clear();
    output.err(`replay of ${id} failed, the letter stays: ${reason}`);
    return { id, replayed: false, events: 0, error: reason };
  }
}

async function update(context: Context, output: CliOutput, id: string, file: string, json: boolean): Promise<number> {
  const text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  // Editors end files with a newline; a payload never does.
  const payload = text.replace(/\r?\n$/, '');
  if (!(await context.deadLetters.update(id, payload))) return notFound(output, id);
  const bytes = Buffer.byteLength(payload);
  if (json) printJson(output, { id, updated: true, bytes });
  else output.out(`updated ${id} (${bytes} bytes); replay it with: dead-letters replay ${id}`);
  return EXIT.ok;
}

async function discard(context: Context, output: CliOutput, id: string, json: boolean): Promise<number> {
  if (!(await context.deadLetters.discard(id))) return notFound(output, id);
  if (json) printJson(output, { id, discarded: true });
  else output.out(`discarded ${id}`);
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
