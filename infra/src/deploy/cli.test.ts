// The deploy command as a real process: a cron.yaml that would drop an entry of the app's own is
// refused with exit 2 and one line naming it, before any build and with nothing written.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from '../stack/state.js';

const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(ROOT, 'infra', 'src', 'deploy', 'cli.ts');

async function deploy(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, ['--conditions=source', CLI, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gaesession-deploy-cli-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run deploy:bundle', () => {
  it('refuses to drop an existing cron job: exit 2, one line naming it, nothing written', async () => {
    const theirs = join(dir, 'cron.yaml');
    writeFileSync(theirs, 'cron:\n  - url: /tasks/purge\n    schedule: every 5 minutes\n    target: worker\n');
    const out = join(dir, 'out');
    const result = await deploy('--out', out, '--cron-yaml', theirs, '--prefer-ours');
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `deploy: cron.yaml would drop an existing entry of ${theirs}: cron /tasks/purge (target worker, every 5 minutes); pass --allow-drop to write it anyway\n`,
    });
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a --queue-yaml that does not exist, as a bad flag value', async () => {
    const missing = join(dir, 'nope.yaml');
    const result = await deploy('--queue-yaml', missing);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(`^deploy: --queue-yaml "${missing}": expected an existing file; valid flags: `),
    );
  });
});
