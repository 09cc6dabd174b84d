// Shared by the integration suites of this package (not built, not a test file itself).
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Datastore } from '@google-cloud/datastore';
import { type Config, createDatastore, loadConfig } from '@gaesession/config';
import type { SessionEvent } from '@gaesession/events';
import { closeDatastore, SESSION_UNINDEXED } from '@gaesession/persistence';
import { clearNamespace, eventually, services, uniqueName } from '@gaesession/testkit';
import { Queue } from 'bullmq';
import { silentLogger } from '@gaesession/core';
import { startWorker, type RunningWorker, type StartWorkerOptions } from '../src/server.js';

export const SECRET = 'test-shared-secret';

/** A worker environment of its own: namespace, queue name, secret; `overrides` win. */
export function testEnv(label: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    GOOGLE_CLOUD_PROJECT: services.datastore.projectId,
    DATASTORE_EMULATOR_HOST: services.datastore.emulatorHost,
    DATASTORE_NAMESPACE: uniqueName(label),
    QUEUE_NAME: uniqueName(label),
    QUEUE_BACKEND: 'cloud-tasks',
    REDIS_HOST: services.redis.host,
    REDIS_PORT: String(services.redis.port),
    WORKER_SHARED_SECRET: SECRET,
    ...overrides,
  };
}

/** The worker's own Datastore namespace; a test worker never runs in the default one (the demo's). */
export function namespaceOf(config: Config): string {
  const namespace = config.datastore.namespace;
  if (namespace === undefined || namespace === '') throw new Error('a test worker needs a namespace of its own');
  return namespace;
}

export interface TestWorker {
  readonly worker: RunningWorker;
  readonly config: Config;
  readonly namespace: string;
  /** The fixture's own client (the worker uses it too); open until close(). */
  readonly datastore: Datastore;
  /** POSTs a task body with the shared secret (plus `headers`). Events are sent as a JSON array. */
  push(body: Buffer | string | readonly SessionEvent[], headers?: Record<string, string>): Promise<Response>;
  /** GETs a path with the shared secret. */
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** The value of one metric sample, e.g. `gaesession_worker_commits_total`. */
  metric(sample: string): Promise<number>;
  /** Stops the worker, deletes every entity of the namespace, closes the client. */
  close(): Promise<void>;
}

/** Starts the worker in-process on a free port with a namespace and queue of its own. */
export async function startTestWorker(
  label: string,
  overrides: Record<string, string> = {},
  options: StartWorkerOptions = {},
): Promise<TestWorker> {
  const config = loadConfig(testEnv(label, overrides));
  const datastore = createDatastore(config);
  const worker = await startWorker(config, {
    port: 0,
    host: '127.0.0.1',
    logger: silentLogger,
    processMetrics: false,
    datastore,
    ...options,
  });
  const namespace = namespaceOf(config);
  const withSecret = (headers: Record<string, string>) => ({ 'X-Worker-Secret': SECRET, ...headers });
  return {
    worker,
    config,
    namespace,
    datastore,
    push: (body, headers = {}) =>
      fetch(`${worker.url}/tasks/session-events`, {
        method: 'POST',
        headers: withSecret({ 'Content-Type': 'application/json', ...headers }),
        body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
      }),
    get: (path, headers = {}) => fetch(`${worker.url}${path}`, { headers: withSecret(headers) }),
    metric: async (sample) =>
      metricValue(await (await fetch(`${worker.url}/metrics`, { headers: withSecret({}) })).text(), sample),
    close: async () => {
      await worker.close();
      await clearNamespace(datastore, namespace);
      await closeDatastore(datastore);
    },
  };
}

/** One sample of a Prometheus text exposition (0 when absent). */
export function metricValue(text: string, sample: string): number {
  const line = text.split('\n').find((row) => row.startsWith(`${sample} `));
  return line === undefined ? 0 : Number(line.slice(sample.length + 1));
}

/** Stores a Session entity of `key` the repository cannot read: every event of `key` then fails (a poisonous key). */
export async function corruptSession(test: TestWorker, key: string): Promise<void> {
  await test.datastore.upsert({
    key: test.datastore.key({ namespace: test.namespace, path: ['Session', key] }),
    data: { version: 'not a number', expiresAt: new Date(Date.now() + 3_600_000), tombstone: false },
    excludeFromIndexes: [...SESSION_UNINDEXED],
  });
}

export { destroyEvent, liveEvent, newKey } from '@gaesession/testkit';

/** An admin handle on a test's queues: counts jobs, and removes every trace of them at the end. */
export interface TestQueues {
  readonly events: Queue;
  /** Jobs not finished yet: waiting, active, delayed, prioritized. */
  pending(): Promise<number>;
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export function testQueues(queueName: string): TestQueues {
  const events = new Queue(queueName, { connection: services.redis });
  const purge = new Queue(`${queueName}-purge`, { connection: services.redis });
  const counts = () => events.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed');
  return {
    events,
    counts,
    pending: async () => {
      const { waiting = 0, active = 0, delayed = 0, prioritized = 0 } = await counts();
      return waiting + active + delayed + prioritized;
    },
    close: async () => {
      await events.obliterate({ force: true });
      await purge.obliterate({ force: true });
      await Promise.all([events.close(), purge.close()]);
    },
  };
}

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..', '..');
/** The worker's sources: entries are named relative to them. */
const SRC = join(HERE, '..', 'src');

/** A process started with tsx, its output collected. */
export interface ChildRun {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  output(): string;
  readonly exited: Promise<number | null>;
}

/**
 * Runs a TypeScript entry of this package (e.g. 'main.ts', 'cli/dead-letters.ts') as a child
 * process: node itself with tsx as a loader, not the tsx CLI, which runs node as a grandchild
 * that a SIGKILL to the CLI would leave running.
 */
export function runEntry(entry: string, args: readonly string[], env: Record<string, string>): ChildRun {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', join(SRC, entry), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      resolve(code);
    });
  });
  return { child, output: () => output, exited };
}

/** Starts `main.ts` with `env` and PORT=0; resolves with its URL once it logged "worker started". */
export async function spawnWorker(env: Record<string, string>): Promise<ChildRun & { url: string }> {
  const run = runEntry('main.ts', [], { ...env, PORT: '0' });
  const url = await eventually(
    () => {
      if (run.child.exitCode !== null) throw new Error(`worker exited early:\n${run.output()}`);
      return startedUrl(run.output());
    },
    { timeoutMs: 30_000, what: 'the worker to start' },
  );
  return { ...run, url };
}

/** The url of the worker's "worker started" log line, in whatever order its fields come. */
function startedUrl(output: string): string | undefined {
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { message?: unknown; url?: unknown };
      if (entry.message === 'worker started' && typeof entry.url === 'string') return entry.url;
    } catch {
      // not a log line
    }
  }
  return undefined;
}
