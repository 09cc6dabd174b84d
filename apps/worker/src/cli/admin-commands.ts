import { UsageError } from './args.js';
import type { AdminContext } from './admin-context.js';
import { EXIT, type CliOutput } from './context.js';
import { DEAD_LETTERS_USAGE, runDeadLetterCommand } from './dead-letter-commands.js';
import { PURGE_USAGE, runPurgeCommand } from './purge-command.js';
import { QUEUE_USAGE, runQueueCommand } from './queue-command.js';
import { REBUILD_USAGE, runRebuildCommand } from './rebuild-command.js';
import { runSessionCommand, SESSION_USAGE } from './session-command.js';

export const ADMIN_USAGE = `usage: gaesession-admin <command> [flags]   (in this repository: npm run admin -- <command>)
commands:
  session <key> | --token <t>   one session in the cache, in Datastore and in the queue
  queue                         queue depth, oldest event, dead-letter count
  dead-letters <command>        list | show | replay | update | discard the dead letters
  purge [--dry-run]             delete (or count) expired sessions, tombstones and log entries
  rebuild                       re-apply the event log to the Session entities
Every command takes --json (results as JSON on stdout; progress stays on stderr) and --help.
It reads the same environment as the services (README: Configuration), sm:// secrets included.
exit codes: 0 done, 1 failed or not found, 2 usage`;

type Command = (argv: readonly string[], context: AdminContext, output: CliOutput) => Promise<number>;

/** Each command, and its usage (printed by --help without touching the context). */
export const ADMIN_COMMANDS: Readonly<Record<string, { run: Command; usage: string }>> = {
  session: { run: runSessionCommand, usage: SESSION_USAGE },
  queue: { run: runQueueCommand, usage: QUEUE_USAGE },
  'dead-letters': { run: runDeadLetterCommand, usage: DEAD_LETTERS_USAGE },
  purge: { run: runPurgeCommand, usage: PURGE_USAGE },
  rebuild: { run: runRebuildCommand, usage: REBUILD_USAGE },
};

const NAMES = Object.keys(ADMIN_COMMANDS).join(', ');

/**
 * The command `argv` names, or the usage's answer: `help` for `--help` alone, or a UsageError.
 * The context is made only once a command was found (`context()`), so --help and a mistyped
 * command touch nothing.
 */
export function adminCommand(argv: readonly string[]): { name: string; run: Command; rest: string[] } | 'help' {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError(`no command given: expected ${NAMES}`);
  if (first === '--help' || first === '-h') return 'help';
  if (first.startsWith('-')) throw new UsageError(`${first} before the command: flags go after it (expected ${NAMES})`);
  const command = Object.hasOwn(ADMIN_COMMANDS, first) ? ADMIN_COMMANDS[first] : undefined;
  if (command === undefined) throw new UsageError(`unknown command ${JSON.stringify(first)}: expected ${NAMES}`);
  return { name: first, run: command.run, rest };
}

/** True when the flags (before a `--`) ask for help. */
function asksHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/**
 * Runs one admin command line; resolves with the exit code. `context` is made (and closed) only
 * for a known command that is not asked for its --help.
 */
export async function runAdmin(
  argv: readonly string[],
  context: () => Promise<AdminContext>,
  output: CliOutput,
): Promise<number> {
  let call;
  try {
    call = adminCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.err(`admin: ${error.message}; see --help`);
    return EXIT.usage;
  }
  if (call === 'help') {
    output.out(ADMIN_USAGE);
    return EXIT.ok;
  }
  const { run, rest } = call;
  // --help never needs the services (nor a valid environment): answered before the context is made.
  if (asksHelp(rest)) return run(rest, NO_CONTEXT, output);
  const made = await context();
  try {
    return await run(rest, made, output);
  } finally {
    // A client that never connected (no credentials, say) may fail to close too: the command's
    // own answer is the one to report.
    await made.close().catch(() => undefined);
  }
}

/** The context of a command line that only prints its usage. */
const NO_CONTEXT = new Proxy({} as AdminContext, {
  get: () => {
    throw new Error('the admin context was used for --help');
  },
});
