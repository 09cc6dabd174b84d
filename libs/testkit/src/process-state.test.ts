import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { continueProcess, stopProcess, threadStates } from './process-state.js';

describe('stopProcess / continueProcess', () => {
  it('resolve only once every thread of the process is stopped, then running again', async () => {
    // A node process has several threads (the libuv pool, V8's workers): all must stop.
    const script = 'setInterval(() => {}, 1000); console.log("ready")';
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    const pid = child.pid!;
    try {
      await once(child.stdout, 'data'); // started: its threads exist
      await stopProcess(pid);
      const stopped = await threadStates(pid);
      expect(stopped.length).toBeGreaterThan(1);
      expect(stopped.every((state) => state === 'T')).toBe(true);
      await continueProcess(pid);
      expect(await threadStates(pid)).not.toContain('T');
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });
});
