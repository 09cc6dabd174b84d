import { readFile } from 'node:fs/promises';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { EmulatorConfigError } from './config-error.js';
import { sendRequest } from './http-dispatch.js';
import { emptyStats, logWarnings, type EmulatorLogEntry, type EmulatorStats } from './observe.js';
import { cloudTasksServiceDefinition } from './protos.js';
import { IMPLICIT_DEFAULT_QUEUE, type QueueSpec } from './queue-spec.js';
import { parseQueueYaml } from './queue-yaml.js';
import { Registry } from './registry.js';
import { cloudTasksHandlers } from './service.js';

/** Options of {@link startCloudTasksEmulator}. */
export interface CloudTasksEmulatorOptions {
  /** TCP port for the gRPC server; 0 picks a free one. @defaultValue 8123 */
  port?: number;
  /** Interface to listen on. @defaultValue '127.0.0.1' */
  host?: string;
  /** Path of an App Engine queue.yaml to serve. Mutually exclusive with `queues`. */
  queueYaml?: string;
  /** Queues to serve, e.g. `parseQueueYaml(text).queues`. @defaultValue App Engine's `default` queue only */
  queues?: readonly QueueSpec[];
  /**
   * App Engine service (or `version.service`) → base URL tasks are POSTed to, e.g.
   * `{ worker: 'http://127.0.0.1:8090' }`. Unknown services go to `default`, as on App Engine.
   * @defaultValue {}
   */
  targets?: Readonly<Record<string, string>>;
  /** How long a finished or deleted task's name keeps refusing creates (ALREADY_EXISTS), in ms. @defaultValue 3_600_000 (1 h) */
  taskNameReuseWindowMs?: number;
  /** The clock `taskNameReuseWindowMs` is measured by, in ms (tests move it forward). @defaultValue Date.now */
  nameReuseClock?: () => number;
  /** Dispatch deadline for tasks that set none, in ms. @defaultValue 600_000 (10 min, App Engine automatic scaling) */
  defaultDispatchDeadlineMs?: number;
  /** Largest task CreateTask accepts (body + headers + URI), in bytes. @defaultValue 102_400 (100 KB) */
  maxTaskSizeBytes?: number;
  /** Where attempts, drops and routing problems are reported. @defaultValue warnings as JSON lines on stderr */
  log?: (entry: EmulatorLogEntry) => void;
}

/** A running emulator. */
export interface CloudTasksEmulator {
  readonly host: string;
  readonly port: number;
  /** `host:port`: the value for `CLOUD_TASKS_EMULATOR_HOST`. */
  readonly address: string;
  /** A snapshot of the counters, taken on each read. */
  readonly stats: EmulatorStats;
  /** Stops dispatching (aborting attempts in flight) and shuts the gRPC server down. */
  close(): Promise<void>;
}

async function queuesFrom(options: CloudTasksEmulatorOptions): Promise<readonly QueueSpec[]> {
  if (options.queueYaml !== undefined && options.queues !== undefined)
    throw new EmulatorConfigError('give either queueYaml or queues, not both');
  if (options.queues !== undefined) return options.queues;
  if (options.queueYaml === undefined) return [IMPLICIT_DEFAULT_QUEUE];
  return parseQueueYaml(await readFile(options.queueYaml, 'utf8'), options.queueYaml).queues;
}

function checkTargets(targets: Readonly<Record<string, string>>): void {
  for (const [service, url] of Object.entries(targets))
    if (!/^https?:\/\/[^/]+/.test(url))
      throw new EmulatorConfigError(`target ${service}: "${url}" is not an http(s) URL`);
}

function bind(server: Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, port) => {
      if (error === null) resolve(port);
      else reject(error);
    });
  });
}

function shutdown(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}

/**
 * Starts a Cloud Tasks (v2) emulator: a gRPC server the real `CloudTasksClient` talks to, which
 * dispatches tasks over HTTP to the configured targets the way App Engine does.
 *
 * @example
 * const emulator = await startCloudTasksEmulator({ port: 0, queueYaml: 'queue.yaml', targets: { worker: 'http://127.0.0.1:8090' } });
 * const client = new CloudTasksClient({ apiEndpoint: '127.0.0.1', port: emulator.port, sslCreds: credentials.createInsecure() });
 */
export async function startCloudTasksEmulator(options: CloudTasksEmulatorOptions = {}): Promise<CloudTasksEmulator> {
  const host = options.host ?? '127.0.0.1';
  const targets = { ...options.targets };
  checkTargets(targets);
  const stats = emptyStats();
  const registry = new Registry({
    templates: await queuesFrom(options),
    taskNameReuseWindowMs: options.taskNameReuseWindowMs ?? 3_600_000,
    ...(options.nameReuseClock === undefined ? {} : { now: options.nameReuseClock }),
    runner: {
      targets,
      defaultDispatchDeadlineMs: options.defaultDispatchDeadlineMs ?? 600_000,
      send: sendRequest,
      log: options.log ?? logWarnings,
      stats,
    },
  });
  const server = new Server();
  server.addService(
    cloudTasksServiceDefinition(),
    cloudTasksHandlers({ registry, stats, maxTaskSizeBytes: options.maxTaskSizeBytes ?? 102_400 }),
  );
  const hostPart = host.includes(':') ? `[${host}]` : host; // IPv6 literal
  const port = await bind(server, `${hostPart}:${options.port ?? 8123}`);
  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    address: `${hostPart}:${port}`,
    get stats() {
      return { ...stats };
    },
    close() {
      closing ??= registry.close().then(() => shutdown(server, 2000));
      return closing;
    },
  };
}
