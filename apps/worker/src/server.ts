import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Config } from '@gaesession/config';
import type { Express } from 'express';
import { createWorker } from './worker.js';
import type { WorkerServices, WorkerServicesOptions } from './wiring.js';

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
  const { port, host, ...workerOptions } = options;
  const worker = await createWorker({ ...workerOptions, config });
  let server: Server;
  try {
    server = await listen(worker.app, port ?? config.port, host);
  } catch (error) {
    await worker.close();
    throw error;
  }
  const http = server;
  const bound = (http.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    services: worker.services,
    close: () => {
      closing ??= (async () => {
        // Intake stops first; what is in flight still flows through the committer meanwhile.
        await Promise.all([closeServer(http), worker.stopIntake()]);
        await worker.close();
      })();
      return closing;
    },
  };
}

function listen(app: Express, port: number, host: string | undefined): Promise<Server> {
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
