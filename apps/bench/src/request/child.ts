import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root: children run from there so `--import tsx` and workspace packages resolve. */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** How much of a child's output is kept for an error message, in lines. */
const TAIL_LINES = 30;

export interface StartOptions {
  /** Name in progress lines and errors. */
  readonly name: string;
  /** Entry file relative to {@link ROOT}. */
  readonly entry: string;
  /** Added to the bench's own environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Extra Node.js flags, e.g. `--cpu-prof`. @defaultValue none */
  readonly nodeFlags?: readonly string[];
  /** Load the workspace packages from their `dist/` builds instead of their sources. */
  readonly fromBuild?: boolean;
  /** The line on stdout that says the child is ready; its match is returned. */
  readonly ready: RegExp;
  /** Longest wait for that line, in ms. @defaultValue 30000 */
  readonly readyTimeoutMs?: number;
}

export interface RunningChild {
  readonly name: string;
  readonly pid: number;
  /** The match of `ready` on the child's output. */
  readonly ready: RegExpMatchArray;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (or signal name). */
  stop(graceMs?: number): Promise<number | string>;
  /** The last lines the child wrote (stdout and stderr). */
  tail(): string;
}

const running = new Set<ChildProcess>();

/** Kills every child still running (on Ctrl-C): each by its own pid, nothing else. */
export function killAllChildren(): void {
  for (const child of running) child.kill('SIGKILL');
}

/**
 * Node.js flags of every child: the entry file through tsx, and workspace packages from their
 * sources (the `source` export condition), or from their `dist/` builds with `fromBuild` (the
 * bench builds them first, so they are never stale).
 */
export const CHILD_NODE_FLAGS = ['--conditions=source', '--import', 'tsx'] as const;
const BUILT_NODE_FLAGS = ['--import', 'tsx'] as const;

/** Starts `node [--conditions=source] --import tsx <entry>` and waits until it prints the `ready` line. */
export function startChild(options: StartOptions): Promise<RunningChild> {
  const flags = options.fromBuild === true ? BUILT_NODE_FLAGS : CHILD_NODE_FLAGS;
  const args = [...(options.nodeFlags ?? []), ...flags, join(ROOT, options.entry)];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const lines: string[] = [];
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const tail = () => lines.join('\n');
  const stop = async (graceMs = 15_000): Promise<number | string> => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(kill);
    return code;
  };
  return new Promise((resolve, reject) => {
    let ready = false;
    const timeoutMs = options.readyTimeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.name} did not start within ${timeoutMs} ms:\n${tail()}`));
    }, timeoutMs);
    const collect = (line: string) => {
      if (line.trim() === '') return;
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
      const match = ready ? null : line.match(options.ready);
      if (match === null) return;
      ready = true;
      clearTimeout(timer);
      resolve({ name: options.name, pid: child.pid ?? -1, ready: match, stop, tail });
    };
    createInterface({ input: child.stdout }).on('line', collect);
    createInterface({ input: child.stderr }).on('line', collect);
    void exited.then((code) => {
      if (ready) return;
      clearTimeout(timer);
      reject(new Error(`${options.name} exited (${code}) before it was ready:\n${tail()}`));
    });
  });
}
