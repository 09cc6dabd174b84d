// A Datastore emulator of one test file's own, which the Datastore outage scenario stops and
// starts again while the machine's shared emulator stays up for everybody else.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort, services } from '@gaesession/testkit';
import { startGroup, type GroupProcess } from '../testing/process.fixture.js';

/** A private emulator: `stop()` takes it down (keeping its data), `start()` brings it back. */
export interface PrivateDatastore {
  /** `127.0.0.1:<port>`, for DATASTORE_EMULATOR_HOST. */
  readonly host: string;
  readonly running: boolean;
  /** Shuts the emulator down gracefully, so it writes its data to disk first. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data; resolves once it answers its health check. */
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  close(): Promise<void>;
}

/** How long a start may take (about 6 s on an idle machine), in ms. */
const START_TIMEOUT_MS = 60_000;

async function healthy(host: string): Promise<true | undefined> {
  try {
    const res = await fetch(`http://${host}/`, { signal: AbortSignal.timeout(1000) });
    return (await res.text()).startsWith('Ok') ? true : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts `gcloud beta emulators datastore start --use-firestore-in-datastore-mode` on a free
 * port, in a process group of its own. Unlike the shared one it stores its data on disk (in a
 * temporary directory): a stop would otherwise wipe what the scenario verifies afterwards.
 */
export async function startPrivateDatastore(): Promise<PrivateDatastore> {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'gaesession-datastore-'));
  const args = ['beta', 'emulators', 'datastore', 'start', '--use-firestore-in-datastore-mode', '--quiet'];
  args.push(`--data-dir=${dataDir}`, `--host-port=${host}`, `--project=${services.datastore.projectId}`);
  let group: GroupProcess | undefined;
  const emulator: PrivateDatastore = {
    host,
    get running() {
      return group !== undefined;
    },
    async start() {
      if (group !== undefined) return;
      const started = startGroup('gcloud', args, dataDir, process.env);
      group = started;
      try {
        await eventually(
          async () => {
            if (started.exited() !== undefined) throw new Error(`it exited:\n${started.output()}`);
            return healthy(host);
          },
          { timeoutMs: START_TIMEOUT_MS, intervalMs: 200, what: `the Datastore emulator on ${host}` },
        );
      } catch (error) {
        group = undefined;
        await started.stop(1000);
        throw error;
      }
    },
    async stop() {
      const running = group;
      if (running === undefined) return;
      group = undefined;
      // /shutdown saves the data first; only then may the process group go.
      await fetch(`http://${host}/shutdown`, { method: 'POST', signal: AbortSignal.timeout(5000) }).catch(
        () => undefined,
      );
      await eventually(async () => ((await healthy(host)) === undefined ? true : undefined), {
        timeoutMs: 15_000,
        intervalMs: 100,
        what: `the Datastore emulator on ${host} to shut down`,
      }).catch(() => undefined);
      await running.stop(15_000);
    },
    async close() {
      await emulator.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await emulator.start();
  return emulator;
}
