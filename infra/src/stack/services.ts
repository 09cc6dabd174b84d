import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { ask, canConnect } from './probe.js';
import { ROOT } from './state.js';

/** A prerequisite is missing and the stack cannot fix it itself; the message says what to run. */
export class StackError extends Error {
  override name = 'StackError';
}

export interface Launch {
  command: string;
  args: string[];
}

export interface ServiceDefinition {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** Environment variables that point clients at this service. */
  readonly env: Record<string, string>;
  /** Seconds to wait for a fresh process to answer. */
  readonly startTimeoutMs: number;
  isUp(): Promise<boolean>;
  /** Checks (and where it can, installs) prerequisites; returns how to start the service. */
  prepare(log: (line: string) => void): Launch;
}

export const DATASTORE_PROJECT = process.env.GOOGLE_CLOUD_PROJECT ?? 'gaesession-local';

export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin', '/usr/local/bin'];
  return dirs.map((dir) => join(dir, name)).find((path) => existsSync(path));
}

/** Installs a Debian package when running as root; otherwise explains the exact command. */
function ensureDebianPackage(executable: string, pkg: string, log: (line: string) => void): string {
  const found = findExecutable(executable);
  if (found !== undefined) return found;
  if (process.getuid?.() !== 0) {
    throw new StackError(
      `${executable} is not installed. Install it with:\n  sudo apt-get update && sudo apt-get install -y ${pkg}`,
    );
  }
  log(`${executable} is missing: installing the Debian package ${pkg} (apt-get)...`);
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', pkg],
  ]) {
    const result = spawnSync('apt-get', args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (result.status !== 0)
      throw new StackError(`apt-get ${args.join(' ')} failed (exit ${result.status ?? 'signal'})`);
  }
  const installed = findExecutable(executable);
  if (installed === undefined) throw new StackError(`installed ${pkg} but ${executable} is still not on PATH`);
  return installed;
}

export const memcached: ServiceDefinition = {
  name: 'memcached',
  host: '127.0.0.1',
  port: 11211,
  env: { MEMCACHED_SERVERS: '127.0.0.1:11211' },
  startTimeoutMs: 10_000,
  isUp: async () => (await ask('127.0.0.1', 11211, 'version\r\n'))?.startsWith('VERSION') === true,
  prepare(log) {
    const command = ensureDebianPackage('memcached', 'memcached', log);
    const user = process.getuid?.() === 0 ? ['-u', 'root'] : [];
    return { command, args: [...user, '-l', '127.0.0.1', '-p', '11211', '-m', '256', '-c', '4096'] };
  },
};

export const redis: ServiceDefinition = {
  name: 'redis',
  host: '127.0.0.1',
  port: 6379,
  env: { REDIS_HOST: '127.0.0.1', REDIS_PORT: '6379' },
  startTimeoutMs: 10_000,
  isUp: async () => (await ask('127.0.0.1', 6379, 'PING\r\n'))?.startsWith('+PONG') === true,
  prepare(log) {
    const command = ensureDebianPackage('redis-server', 'redis-server', log);
    return { command, args: ['--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no'] };
  },
};

/**
 * The Valkey-protocol session cache (`CACHE_BACKEND=valkey`): a redis-server of its own, apart
 * from the queue's Redis, so flushing or restarting the cache never touches the queue. Debian
 * packages no Valkey; Redis 7 speaks the same protocol.
 */
export const valkey: ServiceDefinition = {
  name: 'valkey',
  host: '127.0.0.1',
  port: 6380,
  env: { CACHE_URL: 'redis://127.0.0.1:6380' },
  startTimeoutMs: 10_000,
  isUp: async () => (await ask('127.0.0.1', 6380, 'PING\r\n'))?.startsWith('+PONG') === true,
  prepare(log) {
    const command = ensureDebianPackage('redis-server', 'redis-server', log);
    return { command, args: ['--bind', '127.0.0.1', '--port', '6380', '--save', '', '--appendonly', 'no'] };
  },
};

export const datastore: ServiceDefinition = {
  name: 'datastore',
  host: '127.0.0.1',
  port: 8081,
  env: { DATASTORE_EMULATOR_HOST: '127.0.0.1:8081', GOOGLE_CLOUD_PROJECT: DATASTORE_PROJECT },
  startTimeoutMs: 60_000,
  isUp: async () => {
    try {
      const res = await fetch('http://127.0.0.1:8081/', { signal: AbortSignal.timeout(1000) });
      return (await res.text()).startsWith('Ok');
    } catch {
      return false;
    }
  },
  prepare() {
    const gcloud = findExecutable('gcloud');
    if (gcloud === undefined) {
      throw new StackError(
        'The Google Cloud CLI (gcloud) is not installed; the Datastore emulator comes with it.\n' +
          '  See https://cloud.google.com/sdk/docs/install (Debian: apt-get install google-cloud-cli)',
      );
    }
    if (findExecutable('java') === undefined || spawnSync('java', ['-version']).status !== 0) {
      throw new StackError(
        'Java is missing: the Datastore emulator needs a Java 17+ runtime (apt-get install -y openjdk-17-jre-headless)',
      );
    }
    const sdkRoot = dirname(dirname(realpathSync(gcloud)));
    if (!existsSync(join(sdkRoot, 'platform', 'cloud-datastore-emulator'))) {
      throw new StackError(
        'The Datastore emulator component is missing. Install it with:\n' +
          '  gcloud components install cloud-datastore-emulator beta\n' +
          '  (Debian-packaged gcloud: apt-get install -y google-cloud-cli-datastore-emulator)',
      );
    }
    const args = ['beta', 'emulators', 'datastore', 'start', '--quiet', '--use-firestore-in-datastore-mode'];
    args.push('--no-store-on-disk', '--host-port=127.0.0.1:8081', `--project=${DATASTORE_PROJECT}`);
    return { command: gcloud, args };
  },
};

/** The Cloud Tasks emulator (infra/src/cloud-tasks-emulator), for the production queue path. */
export const cloudTasks: ServiceDefinition = {
  name: 'cloud-tasks',
  host: '127.0.0.1',
  port: 8123,
  env: { CLOUD_TASKS_EMULATOR_HOST: '127.0.0.1:8123', QUEUE_BACKEND: 'cloud-tasks' },
  startTimeoutMs: 20_000,
  isUp: () => canConnect('127.0.0.1', 8123),
  prepare() {
    const worker = process.env.WORKER_URL ?? 'http://127.0.0.1:8090';
    const cli = join(ROOT, 'infra', 'src', 'cloud-tasks-emulator', 'cli.ts');
    const args = [cli, '--port', '8123', '--queue-yaml', join(ROOT, 'queue.yaml'), '--target', `worker=${worker}`];
    return { command: join(ROOT, 'node_modules', '.bin', 'tsx'), args };
  },
};

/** The services every run needs (both caches); the Cloud Tasks emulator is added with `--queue cloud-tasks`. */
export const SERVICES: readonly ServiceDefinition[] = [memcached, redis, valkey, datastore];

export function servicesFor(queue: 'bullmq' | 'cloud-tasks'): readonly ServiceDefinition[] {
  return queue === 'cloud-tasks' ? [...SERVICES, cloudTasks] : SERVICES;
}
