import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The state letter of every thread of process `pid` (`R`, `S`, `T`, ...), from
 * `/proc/<pid>/task/<tid>/stat`. A thread that exits while being read is left out.
 */
export async function threadStates(pid: number): Promise<string[]> {
  const tasks = await readdir(`/proc/${pid}/task`);
  const states = await Promise.all(
    tasks.map(async (tid) => {
      const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => undefined);
      // "tid (comm) S ...": comm may hold spaces and parentheses, so read after the last ')'.
      return stat === undefined ? undefined : stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    }),
  );
  return states.filter((state): state is string => state !== undefined);
}

/**
 * Sends SIGSTOP to `pid` and resolves once every one of its threads is stopped: `kill` returns
 * as soon as the signal is queued, while each thread stops only when the kernel next schedules
 * it, which on a busy machine can be a while later.
 */
export async function stopProcess(pid: number, { timeoutMs = 10_000 } = {}): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await threadStates(pid);
    if (states.length > 0 && states.every((state) => state === 'T')) return;
    if (Date.now() > deadline) throw new Error(`process ${pid} not stopped after ${timeoutMs} ms: ${states.join('')}`);
    await sleep(2);
  }
}

/** Sends SIGCONT to `pid` and resolves once none of its threads is still in the stopped state. */
export async function continueProcess(pid: number, { timeoutMs = 10_000 } = {}): Promise<void> {
  process.kill(pid, 'SIGCONT');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await threadStates(pid);
    if (!states.includes('T')) return;
    if (Date.now() > deadline)
      throw new Error(`process ${pid} still stopped after ${timeoutMs} ms: ${states.join('')}`);
    await sleep(2);
  }
}
