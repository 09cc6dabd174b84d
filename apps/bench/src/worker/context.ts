import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { closeDatastore, createDatastoreClient } from '@gaesession/persistence';
import { serviceAddresses, type ServiceAddresses } from '../services.js';

// The persistence lib's client type: this package also holds an older @google-cloud/datastore
// (for connect-datastore), which a plain import here would resolve to.
export type Datastore = ReturnType<typeof createDatastoreClient>;
export type Key = ReturnType<Datastore['key']>;

/** What every measurement of one run shares. */
export interface RunContext {
  readonly services: ServiceAddresses;
  /** Prefix of every queue name and Datastore namespace of the run: `benchw-<8 hex>`. */
  readonly runId: string;
  /** A Datastore namespace or queue name no other measurement uses: `<runId>-<label>`. */
  name(label: string): string;
  /** A Datastore client on the emulator; close it with `closeDatastore`. */
  datastore(): Datastore;
  /** Progress line on stderr. */
  log(line: string): void;
}

/** A new run (a fresh `runId`), or the run `runId` continued in a child process. */
export function newRunContext(
  services: ServiceAddresses = serviceAddresses(),
  runId = `benchw-${randomBytes(4).toString('hex')}`,
): RunContext {
  return {
    services,
    runId,
    name: (label) => `${runId}-${label}`,
    datastore: () => createDatastoreClient({ projectId: services.projectId, emulatorHost: services.datastoreEmulator }),
    log: (line) => {
      console.error(`[bench:worker ${new Date().toISOString().slice(11, 19)}] ${line}`);
    },
  };
}

/** Cores, CPU, memory, Node.js version and the load before the run, in one line. */
export function machineFacts(): string {
  const [model] = cpus().map((cpu) => cpu.model.trim());
  const memory = `${(totalmem() / 2 ** 30).toFixed(1)} GiB`;
  const load = loadavg()[0]?.toFixed(2) ?? '?';
  return `${cpus().length} cores (${model ?? 'unknown CPU'}), ${memory} RAM, Node.js ${process.version}, ${process.platform}/${process.arch}, load average ${load}`;
}

/** Deletes every entity of `namespace` (all kinds), 500 keys a call, 4 calls at a time; returns how many. */
export async function deleteNamespace(datastore: Datastore, namespace: string): Promise<number> {
  const [entities] = await datastore.runQuery(datastore.createQuery(namespace, []).select('__key__'));
  const keys = (entities as unknown[]).map((entity) => (entity as Record<symbol, Key>)[datastore.KEY] as Key);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let start = next; start < keys.length; start = next) {
      next += 500;
      await datastore.delete(keys.slice(start, start + 500));
    }
  };
  await Promise.all(Array.from({ length: 4 }, lane));
  return keys.length;
}

/**
 * Runs `use` with a fresh client (already connected: a client's first call loads the API and
 * opens the channel, up to seconds, which no measurement should include), deleting the
 * namespace's entities and closing the client after.
 */
export async function withNamespace<T>(
  ctx: RunContext,
  label: string,
  use: (datastore: Datastore, namespace: string) => Promise<T>,
): Promise<T> {
  const datastore = ctx.datastore();
  const namespace = ctx.name(label);
  try {
    await datastore.get(datastore.key({ namespace, path: ['BenchWarmUp', 'none'] }));
    return await use(datastore, namespace);
  } finally {
    await deleteNamespace(datastore, namespace).catch((error: unknown) => {
      ctx.log(`cleanup of namespace ${namespace} failed: ${String(error)}`);
    });
    await closeDatastore(datastore);
  }
}
