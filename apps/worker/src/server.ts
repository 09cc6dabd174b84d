import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Config } from '@gaesession/config';
import type { Logger } from '@gaesession/core';
import type { StartingConsumer } from '@gaesession/queue';
import { setTimeout as sleep } from 'node:timers/promises';
import { createWorkerApp } from './app.js';
import { startLocalQueue } from './bullmq.js';
import { createWorkerServices, type WorkerServices, type WorkerServicesOptions } from './wiring.js';

export interface StartWorkerOptions extends WorkerServicesOptions {
  /** HTTP port; 0 picks a free one. @defaultValue the configuration's (PORT) */
  port?: number;
  /** Interface to listen on. @defaultValue all interfaces */
  host?: string;
}

/** A started worker: HTTP server, and with QUEUE_BACKEND=bullmq the consumer and purge scheduler. */
export interface RunningWorker {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly services: WorkerServices;
  /**
   * Graceful stop: stops taking work (HTTP and jobs), lets the requests and jobs in flight
   * finish, flushes the committer, closes the clients. Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/** Starts the worker service the way `main.ts` does; tests call it with port 0. */
export async function startWorker(config: Config, options: StartWorkerOptions = {}): Promise<RunningWorker> {
  const services = createWorkerServices(config, options);
  let stopping = false;
  const app = createWorkerApp({
    process: (delivery) => services.process(delivery),
    purge: services.purge,
    deadLetters: services.deadLetters,
    logger: services.logger,
    observer: services.metrics,
    metrics: services.metrics,
    auth: { onAppEngine: config.onAppEngine, queueName: config.queue.name, sharedSecret: config.worker.sharedSecret },
    retryLimit: config.worker.retryLimit,
    projectId: config.projectId,
    readiness: services.readiness,
    serving: () => !stopping,
    warm: async () => {
      await services.repository.load('warmup');
    },
  });
  let server: Server | undefined;
  let local: StartingConsumer | undefined;
  try {
    server = await listen(app, options.port ?? config.port, options.host);
    if (config.queue.backend === 'bullmq') {
      local = startLocalQueue({
        connection: config.queue.redis,
        queueName: config.queue.name,
        concurrency: config.worker.concurrency,
        lockMs: config.worker.lockMs,
        purgeEveryMs: config.worker.purgeIntervalMs,
        process: (delivery) => services.process(delivery),
        purge: () => services.purge(),
        logger: services.logger,
      });
      await waitForLocalQueue(local, config, services.logger);
    }
  } catch (error) {
    if (server !== undefined) await closeServer(server);
    await services.close();
    throw error;
  }
  const http = server;
  const port = (http.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    services,
    close: () => {
      closing ??= (async () => {
        stopping = true;
        // Intake stops first; what is in flight still flows through the committer meanwhile.
        await Promise.all([closeServer(http), local?.close()]);
        await services.close();
      })();
      return closing;
    },
  };
}

/** How long a start waits for Redis before it goes on without it (the queue connects later). */
const LOCAL_QUEUE_WAIT_MS = 5000;

/**
 * Waits (a little) until the local queue takes jobs, so a started worker is a consuming one; when
 * Redis does not answer, says so in one line and starts anyway: jobs wait in Redis, and the
 * consumer takes them once it connects (`/readyz` tells meanwhile).
 */
async function waitForLocalQueue(local: StartingConsumer, config: Config, logger: Logger): Promise<void> {
  const connected = await Promise.race([
    local.ready.then(
      () => true,
      () => false,
    ),
    sleep(LOCAL_QUEUE_WAIT_MS, false),
  ]);
  if (connected) return;
  const { host, port } = config.queue.redis;
  logger.error(
    `the local queue cannot reach Redis at ${host}:${port} (REDIS_HOST, REDIS_PORT): it takes no events until it can`,
    {
      dependency: 'queue',
    },
  );
}

function listen(app: ReturnType<typeof createWorkerApp>, port: number, host: string | undefined): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = host === undefined ? app.listen(port) : app.listen(port, host);
    server.once('listening', () => {
      resolve(server);
    });
    server.once('error', reject);
  });
}

/**
 * Stops accepting connections and resolves once the requests in flight have been answered.
 * Idle keep-alive connections are closed as they become idle, or the close would wait for them.
 */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => {
      server.closeIdleConnections();
    }, 25);
    server.close(() => {
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}
