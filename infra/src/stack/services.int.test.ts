// Smoke test of the local stack: each service the libraries need answers through the real client
// the libraries use (memjs, BullMQ on ioredis, @google-cloud/datastore), at the addresses the
// stack publishes. When this fails, the other integration suites cannot pass either.
import { randomBytes } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import memjs from 'memjs';
import { afterAll, describe, expect, it } from 'vitest';
import { Cleanup, services, testDatastore, uniqueName } from '@gaesession/testkit';

const cleanup = new Cleanup();
afterAll(() => cleanup.run());

describe('the local stack', () => {
  it('memcached stores and returns a value through memjs', async () => {
    const client = memjs.Client.create(services.memcached, { retries: 0, timeout: 2 });
    cleanup.add(() => {
      client.close();
    });
    const key = uniqueName('smoke');
    const value = randomBytes(16);
    await client.set(key, value, { expires: 60 });
    const { value: read } = await client.get(key);
    expect(read?.equals(value)).toBe(true);
    await client.delete(key);
    expect((await client.get(key)).value).toBeNull();
  });

  it('Redis runs one BullMQ job from add to completion', async () => {
    const connection = { ...services.redis, maxRetriesPerRequest: null };
    const name = uniqueName('smoke');
    const queue = new Queue(name, { connection });
    cleanup.add(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
    });
    const processed = new Promise<unknown>((resolve) => {
      const worker = new Worker(name, (job: Job<{ n: number }>) => Promise.resolve(job.data.n * 2), { connection });
      cleanup.add(() => worker.close());
      worker.on('completed', (_job, result) => {
        resolve(result);
      });
    });
    await queue.add('double', { n: 21 });
    expect(await processed).toBe(42);
  });

  it('the Datastore emulator upserts and looks up an entity', async () => {
    const test = testDatastore('smoke');
    cleanup.add(() => test.close());
    const { datastore, namespace } = test;
    const key = datastore.key({ namespace, path: ['Smoke', 'one'] });
    await datastore.upsert({ key, data: { n: 7, at: new Date(0) } });
    const [entity] = (await datastore.get(key)) as [Record<string, unknown> | undefined];
    expect(entity?.n).toBe(7);
    expect(entity?.at).toEqual(new Date(0));
  });
});
