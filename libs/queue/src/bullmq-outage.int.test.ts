import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, createServer } from 'node:net';
import { eventFromWrite, type SessionEvent } from '@gaesession/events';
import { eventually, uniqueName } from '@gaesession/testkit';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { BullMQPublisher } from './bullmq-publisher.js';
import { jobIdOf } from './job-id.js';

function sampleEvent(): SessionEvent {
  const key = randomBytes(32).toString('base64url');
  const now = Date.now();
  const record = { key, version: 1, created: now, accessed: now, timeout: 60_000, constants: {}, attrs: {} };
  return eventFromWrite({ kind: 'create', baseVersion: 0, record, ops: [] });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function answers(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => {
      resolve(undefined);
    });
  });
}

/** A throwaway redis-server of this test's own: no persistence, so a restart starts empty. */
async function startRedis(port: number): Promise<ChildProcess> {
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  await eventually(() => answers(port), { what: `redis-server on port ${port}` });
  return server;
}

async function stopRedis(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGKILL');
  await exited;
}

describe('BullMQPublisher when its Redis goes away and comes back', () => {
  const servers: ChildProcess[] = [];
  afterAll(async () => {
    for (const server of servers) await stopRedis(server);
  });

  it('fails fast while Redis is down and publishes again once it is back', async () => {
    const port = await freePort();
    servers.push(await startRedis(port));
    const connection = { host: '127.0.0.1', port };
    const queueName = uniqueName('outage');
    const sender = new BullMQPublisher({ connection, queueName });
    const admin = new Queue(queueName, { connection });
    try {
      const before = sampleEvent();
      await sender.publish([before]);
      expect(await admin.getJobState(jobIdOf(before.id))).toBe('waiting');

      await stopRedis(servers[0]!);
      for (let round = 0; round < 3; round += 1) {
        const started = Date.now();
        await expect(sender.publish([sampleEvent()])).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
        expect(Date.now() - started).toBeLessThan(2000);
      }

      servers.push(await startRedis(port));
      const after = sampleEvent();
      await eventually(
        () =>
          sender.publish([after]).then(
            () => true,
            () => undefined,
          ),
        {
          what: 'publishing to the restarted redis',
        },
      );
      expect(await admin.getJobState(jobIdOf(after.id))).toBe('waiting');
    } finally {
      await sender.close();
      await admin.close();
    }
  });
});
