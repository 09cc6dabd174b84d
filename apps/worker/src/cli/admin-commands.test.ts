import { describe, expect, it } from 'vitest';
import type { AdminContext } from './admin-context.js';
import { runAdmin } from './admin-commands.js';
import type { CliOutput } from './context.js';
import { tokenOf } from './session-command.js';

/** Runs a command line whose context must never be made. */
async function run(...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const output: CliOutput = { out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
  let made = false;
  const code = await runAdmin(
    argv,
    () => {
      made = true;
      return Promise.resolve(
        new Proxy({} as AdminContext, {
          get: (_target, name) => {
            if (name === 'close') return () => Promise.resolve();
            if (name === 'then') return undefined; // not a promise
            throw new Error(`the context was used (${String(name)})`);
          },
        }),
      );
    },
    output,
  );
  return { code, stdout: stdout.join('\n'), stderr, made };
}

const TOKEN = 'A'.repeat(42) + '-';

describe('admin command line', () => {
  it('prints the usage of the CLI and of each command without making a context', async () => {
    expect(await run('--help')).toMatchObject({ code: 0, made: false, stderr: [] });
    for (const command of ['session', 'queue', 'dead-letters', 'purge', 'rebuild']) {
      const help = await run(command, '--help');
      expect(help, command).toMatchObject({ code: 0, made: false });
      expect(help.stdout, command).toMatch(/^usage: /);
      expect(help.stdout, command).toContain('--json');
    }
  });

  it.each([
    [[], 'admin: no command given: expected session, queue, dead-letters, purge, rebuild; see --help'],
    [
      ['--json', 'queue'],
      'admin: --json before the command: flags go after it (expected session, queue, dead-letters, purge, rebuild); see --help',
    ],
    [
      ['sessions'],
      'admin: unknown command "sessions": expected session, queue, dead-letters, purge, rebuild; see --help',
    ],
  ])('%j: exit 2, one line, no context', async (argv, line) => {
    expect(await run(...argv)).toMatchObject({ code: 2, stderr: [line], made: false });
  });

  it.each([
    [['queue', '--bogus'], 'queue: unknown flag --bogus; valid flags: --max-tasks <n>, --json, --help'],
    [
      ['queue', '--max-tasks', '0'],
      'queue: --max-tasks "0": expected a positive whole number; valid flags: --max-tasks <n>, --json, --help',
    ],
    [['purge', '--dry-run=yes'], 'purge: --dry-run takes no value, got "yes"; valid flags: --dry-run, --json, --help'],
    [
      ['purge', 'now'],
      'purge: unexpected argument "now" (this command takes only flags); valid flags: --dry-run, --json, --help',
    ],
    [['session'], 'session: session needs <key> or --token <token>; valid flags: --token <token>, --json, --help'],
    [
      ['session', 'short'],
      'session: <key> "short": expected a session key (43 characters of base64url); valid flags: --token <token>, --json, --help',
    ],
    [
      ['session', 'k'.repeat(43), '--token', TOKEN],
      'session: give a <key> or --token, not both; valid flags: --token <token>, --json, --help',
    ],
    [
      ['dead-letters', 'list', '--limit', 'x'],
      'dead-letters: --limit "x": expected a positive whole number; valid flags: --limit <n>, --all, --json, --help',
    ],
  ])('%j: exit 2, one line, before any service is used', async (argv, line) => {
    const result = await run(...argv);
    expect(result).toMatchObject({ code: 2, stderr: [line] });
  });

  it('never repeats a token it refuses, even one that starts with "-"', async () => {
    const result = await run('session', '--token', '-not-a-token-at-all');
    expect(result.code).toBe(2);
    expect(result.stderr.join('\n')).not.toContain('not-a-token');
  });
});

describe('tokenOf', () => {
  it('takes a bare token, or the token at the start of a cookie value', () => {
    expect(tokenOf(TOKEN)).toBe(TOKEN);
    expect(tokenOf(` ${TOKEN}\n`)).toBe(TOKEN);
    expect(tokenOf(`${TOKEN}.${'s'.repeat(43)}~12`)).toBe(TOKEN);
    expect(tokenOf(`${TOKEN}~3`)).toBe(TOKEN);
    expect(tokenOf(`${TOKEN}x`)).toBeUndefined();
    expect(tokenOf('sessid=abc')).toBeUndefined();
  });
});
