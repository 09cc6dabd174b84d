import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@gaesession/config';
import { clearNamespace } from '@gaesession/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { liveEvent, namespaceOf, newKey, runEntry, testEnv } from '../worker.fixture.js';
import { cliContext, type CliContext, type CliOutput } from '../../src/cli/context.js';
import { runDeadLetterCommand } from '../../src/cli/dead-letter-commands.js';
import { runRebuildCommand } from '../../src/cli/rebuild-command.js';

let env: Record<string, string>;
let context: CliContext;
let dir: string;

beforeEach(async () => {
  env = testEnv('cli', { EVENT_LOG_RETENTION_MS: '3600000' });
  context = cliContext(loadConfig(env));
  dir = await mkdtemp(join(tmpdir(), 'worker-cli-'));
});
afterEach(async () => {
  await clearNamespace(context.datastore, namespaceOf(context.config));
  await context.close();
  await rm(dir, { recursive: true, force: true });
});

function capture(): CliOutput & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}

async function run(...argv: string[]) {
  const output = capture();
  const code = await runDeadLetterCommand(argv, context, output);
  return { code, stdout: output.stdout.join('\n'), stderr: output.stderr.join('\n') };
}

describe('dead-letters', () => {
  it('lists, shows, replays (twice harmlessly), and reports failures with exit codes', async () => {
    const key = newKey();
    const good = await context.deadLetters.add({
      payload: JSON.stringify([liveEvent(key, 1, { replayed: true })]),
      error: 'datastore was down',
      code: 'DATASTORE_UNAVAILABLE',
      attempts: 21,
      source: 'cloud-tasks:q/t1',
    });
    const bad = await context.deadLetters.add({ payload: 'not json', error: 'payload is not JSON', attempts: 1 });

    const listed = await run('list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(good);
    expect(listed.stdout).toContain(bad);
    expect(listed.stdout).toContain('DATASTORE_UNAVAILABLE');
    expect(listed.stdout).toContain('2 dead letter(s)');

    const shown = await run('show', good);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: good, attempts: 21, events: [{ key, version: 1 }] });
    expect(JSON.parse((await run('show', bad)).stdout)).toMatchObject({
      decodeError: expect.stringContaining('JSON') as string,
    });
    expect((await run('show', 'no-such-id')).code).toBe(1);

    expect(await run('replay', good)).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('1 event(s) applied') as string,
    });
    expect(await context.repository.load(key)).toMatchObject({ version: 1, attrs: { replayed: true } });
    expect(await run('replay', good)).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('nothing to replay') as string,
    });

    const failed = await run('replay', '--all');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`replay of ${bad} failed`);
    expect(failed.stdout).toContain('replayed 0 of 1');
    expect(await context.deadLetters.get(bad)).toMatchObject({ attempts: 2 });
  });

  it('updates a payload from a file, then replay --all applies it', async () => {
    const key = newKey();
    const id = await context.deadLetters.add({ payload: '[{"broken":true}]', error: 'invalid', attempts: 1 });
    const file = join(dir, 'fixed.json');
    await writeFile(file, `${JSON.stringify([liveEvent(key, 2, { fixed: true })])}\n`);
    expect((await run('update', id, file)).code).toBe(0);
    const all = await run('replay', '--all');
    expect(all).toMatchObject({ code: 0, stdout: expect.stringContaining('replayed 1 of 1') as string });
    expect(await context.repository.load(key)).toMatchObject({ version: 2, attrs: { fixed: true } });
    expect((await run('list')).stdout).toBe('no dead letters');
  });

  it('discards, and answers usage errors with exit code 2', async () => {
    const id = await context.deadLetters.add({ payload: 'x', error: 'e', attempts: 1 });
    expect((await run('discard', id)).code).toBe(0);
    expect(await context.deadLetters.get(id)).toBeUndefined();
    expect((await run('discard', id)).code).toBe(1);
    for (const argv of [
      [],
      ['frobnicate'],
      ['show'],
      ['replay'],
      ['replay', id, '--all'],
      ['list', '--limit', '0'],
      ['list', '--bogus'],
      ['discard', id, 'extra'],
    ]) {
      const result = await run(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      // One line: the problem, then the valid flags.
      expect(result.stderr, argv.join(' ')).toMatch(
        /^dead-letters: [^\n]+; valid flags: --limit <n>, --all, --json, --help$/,
      );
    }
  });

  it('takes an id that starts with "-" (ids are base64url) as an id, not as an option', async () => {
    const id = await context.deadLetters.add({ payload: 'x', error: 'e', attempts: 1 });
    const dashed = `-${id.slice(1)}`;
    // Not a usage error: the id is looked up, and (unless it is this letter's) not found.
    const result = await run('show', dashed);
    expect(result.code).toBe(dashed === id ? 0 : 1);
    expect(result.stderr).not.toContain('valid flags');
    expect((await run('show', '--', id)).code).toBe(0);
    // Also where an option's value could be expected, and after the flags.
    expect((await run('replay', dashed)).stderr).not.toContain('valid flags');
    expect((await run('discard', '-x', '--')).stderr).toBe('no dead letter -x');
  });

  it('runs as a command, with exit codes', async () => {
    const id = await context.deadLetters.add({ payload: 'x', error: 'e', attempts: 1 });
    const list = runEntry('cli/dead-letters.ts', ['list'], env);
    expect(await list.exited).toBe(0);
    expect(list.output()).toContain(id);
    const missing = runEntry('cli/dead-letters.ts', ['show', 'nope'], env);
    expect(await missing.exited).toBe(1);
    expect(missing.output()).toContain('no dead letter nope');
    const typo = runEntry('cli/dead-letters.ts', ['list', '--limt', '5'], env);
    expect(await typo.exited).toBe(2);
    expect(typo.output()).toBe('dead-letters: unknown flag --limt; valid flags: --limit <n>, --all, --json, --help\n');
  });
});

describe('rebuild', () => {
  it('rebuilds deleted Session entities from the event log', async () => {
    const [a, b] = [newKey(), newKey()];
    await context.repository.apply([liveEvent(a, 1, { n: 1 }), liveEvent(a, 2, { n: 2 }), liveEvent(b, 1, { n: 1 })]);
    const namespace = namespaceOf(context.config);
    await context.datastore.delete([a, b].map((key) => context.datastore.key({ namespace, path: ['Session', key] })));
    expect(await context.repository.load(a)).toBeUndefined();

    const output = capture();
    expect(await runRebuildCommand([], context, output)).toBe(0);
    expect(output.stdout.join('\n')).toContain('read 3 logged event(s): 2 session(s) written');
    expect(await context.repository.load(a)).toMatchObject({ version: 2, attrs: { n: 2 } });
    expect(await context.repository.load(b)).toMatchObject({ version: 1 });
    const refused = capture();
    expect(await runRebuildCommand(['--page-size', 'x'], context, refused)).toBe(2);
    expect(refused.stderr).toEqual([
      'rebuild: --page-size "x": expected a positive whole number; valid flags: --page-size <n>, --json, --help',
    ]);
  });
});
