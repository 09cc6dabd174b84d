// A child process in its own process group, for tests (not built, not a test file itself).
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Output kept per process, in characters: enough for the last log lines of a failed start. */
const MAX_OUTPUT = 64 * 1024;

const groups = new Set<number>();
process.once('exit', () => {
  for (const pgid of groups) signalGroup(pgid, 'SIGKILL');
});

/** Sends `signal` (0: only checks) to every process of the group; false when the group is gone. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // the group is gone
  }
}

/**
 * True while a process of group `pgid` runs. Zombies do not count: where nothing reaps orphans
 * (a container whose PID 1 is not an init), an exited grandchild would otherwise look alive.
 */
function groupAlive(pgid: number): boolean {
  if (!existsSync('/proc/self/stat')) return signalGroup(pgid, 0);
  return readdirSync('/proc').some((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After "pid (comm) ": state, ppid, pgrp, ...
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(pgrp) === pgid && state !== 'Z';
    } catch {
      return false; // exited while we looked
    }
  });
}

export interface GroupProcess {
  readonly pid: number;
  /** Exit code or signal once the direct child has exited, else undefined. */
  exited(): string | undefined;
  /** What the process group printed (stdout and stderr interleaved), the last 64 KiB. */
  output(): string;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves once every process of the group is gone. */
  stop(graceMs?: number): Promise<void>;
  /** Sends `signal` to the whole group at once (SIGKILL: a crash); resolves once every process of the group is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `command` in a process group of its own, so that `stop()` reaches its children too
 * (`npm start` runs `sh`, which runs `node`).
 */
export function startGroup(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): GroupProcess {
  const child: ChildProcess = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command} ${args.join(' ')} in ${cwd}`);
  groups.add(pid);
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-MAX_OUTPUT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exit: string | undefined;
  child.once('exit', (code, signal) => {
    exit = signal ?? String(code);
  });
  return {
    pid,
    exited: () => exit,
    output: () => output,
    async stop(graceMs = 10_000) {
      signalGroup(pid, 'SIGTERM');
      const deadline = Date.now() + graceMs;
      while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
      if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
      while (groupAlive(pid)) await sleep(20);
      groups.delete(pid);
    },
    async kill(signal = 'SIGKILL') {
      signalGroup(pid, signal);
      while (groupAlive(pid)) await sleep(20);
      groups.delete(pid);
    },
  };
}
