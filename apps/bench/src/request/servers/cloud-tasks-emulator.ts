// The Cloud Tasks rows' sidecar: the local Cloud Tasks emulator, serving the repository's
// queue.yaml `session-events` queue (rate, bucket, concurrency and retries as deployed) under the
// run's queue name and pushing to the worker at BENCH_WORKER_URL. A second, plain HTTP port
// answers GET /stats with the emulator's counters (tasks created, attempts, ...), so the bench
// counts tasks without running the emulator in its own process (whose CPU is autocannon's).
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseQueueYaml, startCloudTasksEmulator } from '@gaesession/infra/cloud-tasks-emulator';
import { requiredEnv } from './serve.js';

/** What the sidecar prints on stdout once both ports listen. */
export interface EmulatorReadyLine {
  /** `host:port` for CLOUD_TASKS_EMULATOR_HOST. */
  readonly emulator: string;
  /** Port of the GET /stats endpoint. */
  readonly stats: number;
}

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const queueName = requiredEnv('BENCH_QUEUE_NAME');
const path = join(ROOT, 'queue.yaml');
const deployed = parseQueueYaml(await readFile(path, 'utf8'), path).queues.find((q) => q.id === 'session-events');
if (deployed === undefined) throw new Error(`${path} declares no session-events queue`);
const queues = [{ ...deployed, id: queueName }];

const emulator = await startCloudTasksEmulator({
  port: 0,
  queues,
  targets: { worker: requiredEnv('BENCH_WORKER_URL') },
});
const stats = createServer((_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(emulator.stats));
});
stats.listen(0, '127.0.0.1', () => {
  const line: EmulatorReadyLine = { emulator: emulator.address, stats: (stats.address() as AddressInfo).port };
  console.log(JSON.stringify(line));
});
process.on('SIGTERM', () => {
  stats.close();
  stats.closeAllConnections();
  emulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
