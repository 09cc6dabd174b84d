import { createServer } from 'node:net';
import { startChild, type RunningChild } from './child.js';

/** The Cloud Tasks rows' emulator (servers/cloud-tasks-emulator.ts), running as a child. */
export interface RunningEmulator {
  readonly child: RunningChild;
  /** `host:port` for CLOUD_TASKS_EMULATOR_HOST. */
  readonly address: string;
  /** Its GET /stats endpoint. */
  readonly statsUrl: string;
  /** The port the worker must listen on: the emulator pushes there. */
  readonly workerPort: number;
}

const EMULATOR_ENTRY = 'apps/bench/src/request/servers/cloud-tasks-emulator.ts';
const READY = /^\{"emulator":"([^"]+)","stats":(\d+)\}$/;

/** A free loopback port (the worker's, chosen before it starts since the emulator targets it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('no free port'));
      });
    });
  });
}

/** Starts the emulator serving `queueName` (queue.yaml's session-events settings), pushing to a worker port. */
export async function startEmulator(queueName: string): Promise<RunningEmulator> {
  const workerPort = await freePort();
  const child = await startChild({
    name: 'Cloud Tasks emulator',
    entry: EMULATOR_ENTRY,
    env: { BENCH_QUEUE_NAME: queueName, BENCH_WORKER_URL: `http://127.0.0.1:${workerPort}` },
    ready: READY,
  });
  const [, address = '', statsPort = ''] = child.ready;
  return { child, address, statsUrl: `http://127.0.0.1:${statsPort}/stats`, workerPort };
}

/** What the server and the worker need to use it: the emulator's address, the worker's port. */
export function emulatorEnv(emulator: RunningEmulator): Record<string, string> {
  return { CLOUD_TASKS_EMULATOR_HOST: emulator.address, PORT: String(emulator.workerPort) };
}

/** Tasks the emulator accepted (CreateTask) since it started. */
export async function tasksCreated(emulator: RunningEmulator): Promise<number> {
  const response = await fetch(emulator.statsUrl, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`the emulator's stats answered ${response.status}`);
  const stats = (await response.json()) as { tasksCreated: number };
  return stats.tasksCreated;
}
