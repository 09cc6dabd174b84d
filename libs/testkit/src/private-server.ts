import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually.js';
import { continueProcess, stopProcess } from './process-state.js';

/**
 * A service process of one test's own, on a free port, so the test may stop, flush or restart
 * it while the machine's shared services stay up for everybody else.
 */
export interface PrivateServer {
  readonly port: number;
  /** `127.0.0.1:<port>` */
  readonly address: string;
  readonly running: boolean;
  /** Kills the process (SIGKILL by default: a crash, not a clean shutdown). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port (and, for Redis with AOF, the same data directory). */
  start(): Promise<void>;
  /**
   * Suspends the process (SIGSTOP): its sockets stay open but nothing answers, a stall. Resolves
   * once every thread of it has stopped, not merely once the signal was sent.
   */
  freeze(): Promise<void>;
  /** Resumes a frozen process (SIGCONT); resolves once no thread of it is stopped any more. */
  thaw(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

export function canConnect(port: number, host = '127.0.0.1'): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => {
      resolve(undefined);
    });
  });
}

async function privateServer(
  name: string,
  command: string,
  argsFor: (port: number) => string[],
): Promise<PrivateServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const server: PrivateServer = {
    port,
    address: `127.0.0.1:${port}`,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    async start() {
      if (server.running) return;
      const started = spawn(command, argsFor(port), { stdio: 'ignore' });
      live.add(started);
      started.once('exit', () => live.delete(started));
      child = started;
      await eventually(() => canConnect(port), { timeoutMs: 10_000, what: `${name} on port ${port}` });
    },
    async stop(signal = 'SIGKILL') {
      const running = child;
      if (running === undefined || !server.running) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill(signal);
      await exited;
    },
    async freeze() {
      if (server.running && child?.pid !== undefined) await stopProcess(child.pid);
    },
    async thaw() {
      if (server.running && child?.pid !== undefined) await continueProcess(child.pid);
    },
  };
  await server.start();
  return server;
}

/** A private redis-server. With `appendOnly`, it keeps an AOF (fsync always) across restarts. */
export function startPrivateRedis(options: { appendOnly?: boolean } = {}): Promise<PrivateServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gaesession-redis-'));
  const durability =
    options.appendOnly === true ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  return privateServer('redis-server', 'redis-server', (port) => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--dir',
    dir,
    ...durability,
  ]);
}

/** A private memcached (UDP off, 64 MB). */
export function startPrivateMemcached(): Promise<PrivateServer> {
  const user = process.getuid?.() === 0 ? ['-u', 'root'] : [];
  return privateServer('memcached', 'memcached', (port) => [
    ...user,
    '-p',
    String(port),
    '-U',
    '0',
    '-l',
    '127.0.0.1',
    '-m',
    '64',
  ]);
}
