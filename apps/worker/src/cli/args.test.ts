import { describe, expect, it } from 'vitest';
import { parseCli, refusal, UsageError } from './args.js';
import type { CliContext, CliOutput } from './context.js';
import { runDeadLetterCommand } from './dead-letter-commands.js';
import { runRebuildCommand } from './rebuild-command.js';

const FLAGS = { limit: { type: 'string', value: 'n' }, all: { type: 'boolean' } } as const;

function problem(argv: string[], positionals = true): string {
  try {
    parseCli(argv, FLAGS, { positionals });
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
}

describe('parseCli', () => {
  it('reads --flag value and --flag=value, flags anywhere, booleans false when absent', () => {
    expect(parseCli(['list', '--limit', '5'], FLAGS, { positionals: true })).toEqual({
      values: { limit: '5', all: false },
      positionals: ['list'],
      help: false,
    });
    expect(parseCli(['--all', 'replay', '--limit=7'], FLAGS, { positionals: true })).toEqual({
      values: { limit: '7', all: true },
      positionals: ['replay'],
      help: false,
    });
    expect(parseCli(['-h'], FLAGS, { positionals: false }).help).toBe(true);
  });

  it('takes an argument that starts with a single "-" (a base64url id) as positional, and anything after --', () => {
    expect(parseCli(['show', '-abc_x', '--all'], FLAGS, { positionals: true }).positionals).toEqual(['show', '-abc_x']);
    expect(parseCli(['show', '--', '--abc', '-h'], FLAGS, { positionals: true })).toMatchObject({
      positionals: ['show', '--abc', '-h'],
      help: false,
    });
  });

  it('names the refused flag and value', () => {
    expect(problem(['list', '--bogus'])).toBe('unknown flag --bogus');
    expect(problem(['list', '--bogus=3'])).toBe('unknown flag --bogus=3');
    expect(problem(['list', '--limit'])).toBe('--limit needs a value: expected <n>');
    expect(problem(['list', '--limit='])).toBe('--limit "": expected <n>');
    expect(problem(['list', '--limit', '--all'])).toBe('--limit "--all": expected <n>, not a flag');
    expect(problem(['--all=yes'])).toBe('--all takes no value, got "yes"');
    expect(problem(['-x'], false)).toBe('unexpected argument "-x" (this command takes only flags)');
  });

  it('makes one line of a refusal, with the valid flags', () => {
    expect(refusal('dead-letters', FLAGS, new UsageError('unknown flag --bogus'))).toBe(
      'dead-letters: unknown flag --bogus; valid flags: --limit <n>, --all, --help',
    );
  });
});

/** A context the usage errors must never reach. */
const untouchable = new Proxy({} as CliContext, {
  get: () => {
    throw new Error('the context was used');
  },
});

async function run(command: typeof runDeadLetterCommand | typeof runRebuildCommand, argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const output: CliOutput = { out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
  const code = await command(argv, untouchable, output);
  return { code, stdout: stdout.join('\n'), stderr };
}

describe('dead-letters and rebuild command lines', () => {
  it.each([
    [[], 'no command given: expected list, show, replay, update, discard'],
    [['frobnicate'], 'unknown command "frobnicate": expected list, show, replay, update, discard'],
    [['list', '--bogus'], 'unknown flag --bogus'],
    [['list', '--limit', '0'], '--limit "0": expected a positive whole number'],
    [['list', '--limit=x'], '--limit "x": expected a positive whole number'],
    [['list', 'extra'], 'unexpected argument "extra" after list'],
    [['show'], 'show needs <id>'],
    [['show', 'a', 'b'], 'unexpected argument "b" after show <id>'],
    [['show', 'a', '--limit', '3'], '--limit applies to list, not show'],
    [['replay'], 'replay needs <id> or --all'],
    [['replay', 'a', '--all'], 'replay takes an id or --all, not both'],
    [['update', 'a'], 'update needs <file>'],
    [['discard', 'a', '--all'], '--all applies to replay, not discard'],
  ])('dead-letters %j: exit 2, one line', async (argv, message) => {
    const { code, stderr } = await run(runDeadLetterCommand, argv);
    expect(code).toBe(2);
    expect(stderr).toEqual([`dead-letters: ${message}; valid flags: --limit <n>, --all, --json, --help`]);
  });

  it('prints the usage on --help, exit 0', async () => {
    const letters = await run(runDeadLetterCommand, ['--help']);
    expect(letters).toMatchObject({ code: 0, stderr: [] });
    expect(letters.stdout).toContain('usage: dead-letters <command>');
    const rebuild = await run(runRebuildCommand, ['-h']);
    expect(rebuild).toMatchObject({ code: 0, stderr: [] });
    expect(rebuild.stdout).toContain('--page-size <n>  log entries read per query (default: 500)');
  });

  it.each([
    [['--page-size', 'x'], '--page-size "x": expected a positive whole number'],
    [['--pagesize', '10'], 'unknown flag --pagesize'],
    [['now'], 'unexpected argument "now" (this command takes only flags)'],
  ])('rebuild %j: exit 2, one line', async (argv, message) => {
    const { code, stderr } = await run(runRebuildCommand, argv);
    expect(code).toBe(2);
    expect(stderr).toEqual([`rebuild: ${message}; valid flags: --page-size <n>, --json, --help`]);
  });
});
