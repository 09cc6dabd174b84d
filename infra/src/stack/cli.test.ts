// The stack CLI as a real process: a refused command line exits 2 with one line on stderr and
// nothing on stdout, before any service is touched; --help exits 0.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from './state.js';

const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(ROOT, 'infra', 'src', 'stack', 'cli.ts');
const FLAGS = 'valid flags: --queue <bullmq|cloud-tasks>, --help';

async function stack(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, ['--conditions=source', CLI, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('npm run stack', () => {
  it('refuses an unknown flag: exit 2, one line naming it and the valid flags', async () => {
    expect(await stack('status', '--bogus')).toEqual({
      code: 2,
      stdout: '',
      stderr: `stack: unknown flag --bogus; ${FLAGS}\n`,
    });
  });

  it('refuses a bad --queue value, in the --flag=value form too', async () => {
    expect(await stack('env', '--queue=cloud_tasks')).toEqual({
      code: 2,
      stdout: '',
      stderr: `stack: --queue "cloud_tasks": expected bullmq or cloud-tasks; ${FLAGS}\n`,
    });
  });

  it('prints the usage on --help and exits 0', async () => {
    const { code, stdout, stderr } = await stack('--help');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^usage: npm run stack -- up \| down \| status \| env \[flags\]\n/);
    expect(stdout).toContain('--queue <bullmq|cloud-tasks>');
    expect(stdout).toContain('(default: bullmq)');
  });
});
