import { spawn } from 'node:child_process';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A latency proxy running in a child process (its CPU is not the worker's). */
export interface ProxyChild {
  /** `host:port` to give the Datastore client instead of the emulator's. */
  readonly hostPort: string;
  /** Stops the child and waits for it. */
  stop(): Promise<void>;
}

/** Waiting for the child's ready line, ms. */
const START_TIMEOUT_MS = 30_000;

/** infra's latency-proxy CLI, beside the module the package exports (`.ts` from sources, `.js` built). */
function proxyCli(): string {
  const index = fileURLToPath(import.meta.resolve('@gaesession/infra/latency-proxy'));
  return join(dirname(index), `cli${extname(index)}`);
}

/**
 * Starts infra's latency proxy in front of `target` (the emulator), adding `rttMs` to every round
 * trip: `rttMs / 2` each way. Runs it with this process's own flags (tsx, the `source` condition).
 */
export function startProxyChild(target: string, rttMs: number): Promise<ProxyChild> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, proxyCli(), '--target', target, '--delay-ms', `${rttMs / 2}`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the latency proxy did not start within ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    child.once('error', reject);
    const early = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      reject(new Error(`the latency proxy exited before it was ready (${code ?? signal ?? '?'})`));
    };
    child.once('exit', early);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const ready = /^listening (\S+)$/m.exec(output);
      if (ready?.[1] === undefined) return;
      clearTimeout(timer);
      child.off('exit', early);
      resolve({
        hostPort: ready[1],
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}
