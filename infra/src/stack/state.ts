import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (infra/src/stack → ../../..). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Logs and the record of processes the stack started. Git-ignored. */
export const STATE_DIR = join(ROOT, '.stack');
const STATE_FILE = join(STATE_DIR, 'state.json');

export interface StartedProcess {
  pid: number;
  startedAt: string;
  log: string;
  /** Who started it: the `stack` command, or a test run or the demo (which stop it again at the end). */
  owner: 'stack' | 'test' | 'demo';
}

export type StackState = Record<string, StartedProcess>;

export function readState(): StackState {
  try {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as StackState;
  } catch {
    return {};
  }
}

export function writeState(state: StackState): void {
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2) + '\n');
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
