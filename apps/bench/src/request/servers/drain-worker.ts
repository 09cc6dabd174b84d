// A minimal stand-in for apps/worker, used only when the worker app fails to start: consumes the
// BullMQ event queue and applies each job's events to Datastore (consumeEvents → parseEvent →
// DatastoreRepository.apply). No group commit across jobs and no dead letters: a bench tool.
import { loadConfig } from '@gaesession/config';
import { parseEvent } from '@gaesession/events';
import { DatastoreRepository } from '@gaesession/persistence';
import { consumeEvents } from '@gaesession/queue';
import { createDatastore } from '@gaesession/store';

const config = loadConfig();
const datastore = createDatastore(config);
const repository = new DatastoreRepository({
  datastore,
  kind: config.datastore.kind,
  ...(config.datastore.namespace === undefined ? {} : { namespace: config.datastore.namespace }),
});
const consumer = await consumeEvents(
  { connection: config.queue.redis, queueName: config.queue.name, concurrency: config.worker.concurrency },
  async (received) => {
    if (received.invalid !== undefined) throw received.invalid;
    await repository.apply(received.events.map(parseEvent));
  },
);
// The same line the worker app logs, which the bench waits for.
console.log(JSON.stringify({ severity: 'INFO', message: 'worker started', queueName: config.queue.name }));

process.once('SIGTERM', () => {
  setTimeout(() => process.exit(1), 10_000).unref();
  consumer.close().then(
    async () => {
      // The Datastore class has no close(); the gapic clients it created lazily do.
      const clients = (datastore as unknown as { clients_?: Map<string, { close(): Promise<void> }> }).clients_;
      await Promise.all([...(clients?.values() ?? [])].map((client) => client.close()));
      process.exit(0);
    },
    () => process.exit(1),
  );
});
