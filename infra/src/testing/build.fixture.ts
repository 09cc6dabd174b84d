// Compiles the repository for tests that run compiled code (not built, not a test file itself).
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../stack/state.js';

/** A lock older than this is left over by a killed run, in ms. */
const STALE_LOCK_MS = 5 * 60_000;
const LOCK = join(tmpdir(), 'gaesession-build.lock');

function tryLock(): boolean {
  try {
    mkdirSync(LOCK);
    return true;
  } catch {
    try {
      if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
    } catch {
      // Released meanwhile.
    }
    return false;
  }
}

function tsc(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsc'), args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      resolve({ code, output });
    });
  });
}

/**
 * Brings every dist/ up to date with `tsc -b tsconfig.build.json` (a no-op when nothing changed,
 * so it also covers "dist missing or stale"). Test files that run in parallel take turns through
 * a lock directory, so two builds never write the same dist/ at once. `projects` builds only those
 * projects (and what they reference), e.g. `['apps/web', 'apps/worker']` for a test that runs the
 * apps: a half-edited file elsewhere then cannot fail it. @defaultValue `['tsconfig.build.json']`
 */
export async function buildRepository(
  log: (line: string) => void = () => undefined,
  projects: readonly string[] = ['tsconfig.build.json'],
): Promise<void> {
  await withBuildLock(async () => {
    const t0 = Date.now();
    const command = `tsc -b ${projects.join(' ')}`;
    log(`${command}...`);
    const { code, output } = await tsc(['-b', ...projects]);
    if (code !== 0) throw new Error(`${command} failed (exit ${code}):\n${output}`);
    log(`build up to date (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  });
}

/**
 * Runs `work` holding the lock {@link buildRepository} takes, for a test whose commands compile
 * (`npm pack` runs each package's `prepack`, `tsc -b`), so that no other test builds meanwhile.
 */
export async function withBuildLock<T>(work: () => Promise<T>): Promise<T> {
  while (!tryLock()) await sleep(200);
  try {
    return await work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
