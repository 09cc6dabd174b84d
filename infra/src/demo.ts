// npm run demo [-- --queue cloud-tasks] [--cache valkey] (--help lists the flags): the whole thing on one machine.
// Brings up the local stack, builds, starts the web app and the worker, and stops everything it
// started on Ctrl-C.
import { CACHE_BACKENDS, QUEUE_BACKENDS } from '@gaesession/config';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PURGE_PATH, SECRET_HEADER } from '@gaesession/events';
import { defineCommand, integer, oneOf, readCommandLine } from './cli/args.js';
import { waitFor } from './stack/probe.js';
import { cloudTasks, servicesFor, StackError } from './stack/services.js';
import { down, stackEnv, up } from './stack/stack.js';
import { ROOT } from './stack/state.js';

const log = (line: string) => {
  console.log(`[demo] ${line}`);
};

const QUEUES = QUEUE_BACKENDS;
const CACHES = CACHE_BACKENDS;

const DEMO_CLI = defineCommand({
  name: 'demo',
  usage: 'npm run demo -- [flags]',
  description: 'Brings up the local stack, builds, starts the web app and the worker; Ctrl-C stops what it started.',
  options: {
    queue: { type: 'string', value: QUEUES.join('|'), default: 'bullmq', description: 'the queue between them' },
    cache: {
      type: 'string',
      value: CACHES.join('|'),
      default: 'memcached',
      description: "the web app's session cache (valkey: the stack's redis-server on 6380)",
    },
    'web-port': {
      type: 'string',
      value: 'port',
      default: process.env.WEB_PORT ?? '8080',
      description: "the web app's port; WEB_PORT sets the default",
    },
    'worker-port': {
      type: 'string',
      value: 'port',
      default: process.env.WORKER_PORT ?? '8090',
      description: "the worker's port; WORKER_PORT sets the default",
    },
  },
});

const { queue, cache, webPort, workerPort } = readCommandLine(DEMO_CLI, ({ values }) => ({
  queue: oneOf('queue', values.queue, QUEUES),
  cache: oneOf('cache', values.cache, CACHES),
  webPort: integer('web-port', values['web-port'], { min: 1, max: 65535 }),
  workerPort: integer('worker-port', values['worker-port'], { min: 1, max: 65535 }),
}));
const children: ChildProcess[] = [];
let stopping: Promise<never> | undefined;
let cron: NodeJS.Timeout | undefined;

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
    if (stopping === undefined) {
      log(`${name} exited (${signal ?? code}); stopping the demo`);
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

/**
 * Stops the apps, then the services this demo started, and exits. Runs once: Ctrl-C reaches the
 * demo twice (from the terminal and relayed by tsx), and a child exiting meanwhile calls it too.
 */
function stop(code: number): Promise<never> {
  stopping ??= (async () => {
    clearInterval(cron);
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) resolve(null);
            else child.once('exit', resolve);
          }),
      ),
    );
    const stopped = await down({ log, owner: 'demo' });
    log(stopped.length > 0 ? `stopped the apps and ${stopped.join(', ')}` : 'stopped the apps');
    process.exit(code);
  })();
  return stopping;
}

/**
 * cron.yaml's stand-in for the Cloud Tasks run (BullMQ runs the purge on a job scheduler):
 * GET /tasks/purge every `everyMs`, with the shared secret, as the worker expects off App Engine.
 */
function startCron(workerUrl: string, secret: string, everyMs: number): NodeJS.Timeout {
  const timer = setInterval(() => {
    fetch(`${workerUrl}${PURGE_PATH}`, { headers: { [SECRET_HEADER]: secret }, signal: AbortSignal.timeout(everyMs) })
      .then(async (res) => {
        const body = await res.text();
        if (!res.ok) log(`cron: GET ${PURGE_PATH} answered ${res.status} ${body}`);
      })
      .catch((error: unknown) => {
        if (stopping === undefined) log(`cron: GET ${PURGE_PATH} failed: ${String(error)}`);
      });
  }, everyMs);
  timer.unref();
  return timer;
}

async function main(): Promise<void> {
  const services = servicesFor(queue);
  // The Cloud Tasks emulator the stack starts pushes to WORKER_URL.
  process.env.WORKER_URL = `http://127.0.0.1:${workerPort}`;
  const started = await up({ owner: 'demo', log, services });
  if (queue === 'cloud-tasks' && !started.includes(cloudTasks.name)) {
    log(`cloud-tasks was already running: it must push to worker=${process.env.WORKER_URL},`);
    log('  or tasks go elsewhere (stop it with npm run stack -- down, or use --worker-port)');
  }
  log('building (tsc -b)...');
  const build = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-b', join(ROOT, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new StackError('the build failed');
  // Off App Engine the worker trusts only this secret, which the web app's tasks carry.
  const secret = process.env.WORKER_SHARED_SECRET ?? randomBytes(24).toString('base64url');
  const purgeEveryMs = process.env.PURGE_INTERVAL_MS ?? '60000';
  const env = {
    ...stackEnv(services),
    QUEUE_BACKEND: queue,
    CACHE_BACKEND: cache,
    WORKER_SHARED_SECRET: secret,
    WORKER_URL: `http://127.0.0.1:${workerPort}`,
    // Local http:// only: production cookies are Secure.
    COOKIE_ALLOW_HTTP: 'true',
    PURGE_INTERVAL_MS: purgeEveryMs,
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
  if (queue === 'cloud-tasks') cron = startCron(env.WORKER_URL, secret, Number(purgeEveryMs));
  log('');
  log(`demo app:  http://127.0.0.1:${webPort}/   (log in with any name, password "a")`);
  log(`JSON API:  http://127.0.0.1:${webPort}/api/session`);
  log(`worker:    http://127.0.0.1:${workerPort}/healthz   (queue: ${queue}, cache: ${cache})`);
  log(
    `metrics:   http://127.0.0.1:${workerPort}/metrics   (with the X-Worker-Secret header: run with WORKER_SHARED_SECRET=... to choose it)`,
  );
  log('Ctrl-C stops the apps and the services this command started.');
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
main().catch(async (error: unknown) => {
  // Once stopping, a failure is the interrupted start-up itself: nothing worth reporting.
  if (stopping === undefined) console.error(error instanceof StackError ? `[demo] ${error.message}` : error);
  await stop(1);
});
