// npm run demo [-- --queue cloud-tasks]: the whole thing on one machine. Brings up the local
// stack, builds, starts the web app and the worker, and stops everything it started on Ctrl-C.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { waitFor } from './stack/probe.js';
import { servicesFor, StackError } from './stack/services.js';
import { down, stackEnv, up } from './stack/stack.js';
import { ROOT } from './stack/state.js';

const log = (line: string) => {
  console.log(`[demo] ${line}`);
};

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : (process.argv[index + 1] ?? fallback);
}

const queue = option('queue', 'bullmq');
if (queue !== 'bullmq' && queue !== 'cloud-tasks') throw new StackError('--queue takes bullmq or cloud-tasks');
const webPort = Number(option('web-port', process.env.WEB_PORT ?? '8080'));
const workerPort = Number(option('worker-port', process.env.WORKER_PORT ?? '8090'));
const children: ChildProcess[] = [];
let stopping = false;

async function healthy(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

function start(name: string, entry: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [join(ROOT, entry)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .trimEnd()
      .split('\n')
      .map((line) => `[${name}] ${line}`)
      .join('\n');
  child.stdout.on('data', (chunk: Buffer) => {
    console.log(prefix(chunk));
  });
  child.stderr.on('data', (chunk: Buffer) => {
    console.error(prefix(chunk));
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping the demo`);
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

async function stop(code: number): Promise<never> {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null) resolve(null);
          else child.once('exit', resolve);
        }),
    ),
  );
  await down({ log, owner: 'demo' });
  process.exit(code);
}

async function main(): Promise<void> {
  const services = servicesFor(queue as 'bullmq' | 'cloud-tasks');
  process.env.WORKER_URL = `http://127.0.0.1:${workerPort}`;
  await up({ owner: 'demo', log, services });
  log('building (tsc -b)...');
  const build = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-b', join(ROOT, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new StackError('the build failed');
  // Off App Engine the worker trusts only this secret, which the web app's tasks carry.
  const secret = process.env.WORKER_SHARED_SECRET ?? randomBytes(24).toString('base64url');
  const env = {
    ...stackEnv(services),
    QUEUE_BACKEND: queue,
    WORKER_SHARED_SECRET: secret,
    WORKER_URL: `http://127.0.0.1:${workerPort}`,
    // Local http:// only: production cookies are Secure.
    COOKIE_ALLOW_HTTP: 'true',
    PURGE_INTERVAL_MS: process.env.PURGE_INTERVAL_MS ?? '60000',
  };
  start('worker', 'apps/worker/dist/main.js', { ...env, PORT: String(workerPort) });
  start('web', 'apps/web/dist/main.js', { ...env, PORT: String(webPort) });
  for (const [name, port] of [
    ['worker', workerPort],
    ['web', webPort],
  ] as const) {
    if (!(await waitFor(() => healthy(port), 30_000)))
      throw new StackError(`${name} did not become healthy on port ${port}`);
  }
  log('');
  log(`demo app:  http://127.0.0.1:${webPort}/   (log in with any name, password "a")`);
  log(`JSON API:  http://127.0.0.1:${webPort}/api/session`);
  log(`worker:    http://127.0.0.1:${workerPort}/metrics   (queue: ${queue})`);
  log('Ctrl-C stops the apps and the services this command started.');
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
main().catch(async (error: unknown) => {
  console.error(error instanceof StackError ? `[demo] ${error.message}` : error);
  await stop(1);
});
