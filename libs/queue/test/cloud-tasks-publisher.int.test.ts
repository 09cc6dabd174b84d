import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Socket } from 'node:net';
import { credentials } from '@grpc/grpc-js';
import { freePort } from '@gaesession/testkit';
import { describe, expect, it } from 'vitest';
import { CloudTasksPublisher } from '../src/cloud-tasks-publisher.js';
import { sampleEvent } from '../src/queue.fixture.js';

function publisherAt(port: number): CloudTasksPublisher {
  return new CloudTasksPublisher({
    project: 'gaesession-local',
    location: 'local',
    clientOptions: { apiEndpoint: '127.0.0.1', port, sslCreds: credentials.createInsecure() },
  });
}

async function expectFastUnavailable(publisher: CloudTasksPublisher): Promise<void> {
  const started = Date.now();
  const failure = await publisher.publish([sampleEvent()]).catch((error: unknown) => error);
  expect(failure).toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
  expect(Date.now() - started).toBeLessThan(2000);
}

// Failure paths, against endpoints that do not answer; publishing into the emulator is tested in infra/src/e2e.
describe('CloudTasksPublisher', () => {
  it('fails fast with QUEUE_UNAVAILABLE when nothing listens at the endpoint', async () => {
    const port = await freePort();
    const publisher = publisherAt(port);
    try {
      await expectFastUnavailable(publisher);
      await expectFastUnavailable(publisher);
    } finally {
      await publisher.close();
    }
  });

  it('gives up within its deadline on an endpoint that accepts connections but never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const publisher = publisherAt(address.port);
    try {
      await expectFastUnavailable(publisher);
      expect(sockets.length).toBeGreaterThan(0);
    } finally {
      await publisher.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('starts over with a fresh client after its setup failed', async () => {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'gaesession-queue-'));
    const keyFilename = join(dir, 'service-account.json');
    // no sslCreds: the client must load credentials, and the key file does not exist yet
    const publisher = new CloudTasksPublisher({
      project: 'gaesession-local',
      location: 'local',
      // keyFilename is deprecated for credentials from untrusted sources; this test writes its own
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      clientOptions: { apiEndpoint: '127.0.0.1', port, keyFilename },
    });
    try {
      const setup = await publisher.publish([sampleEvent()]).catch((error: unknown) => error);
      expect(setup).toMatchObject({ code: 'QUEUE_UNAVAILABLE', cause: { code: 'ENOENT' } });

      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const account = {
        type: 'service_account',
        client_email: 'test@gaesession-local.iam.gserviceaccount.com',
        private_key: key,
      };
      await writeFile(keyFilename, JSON.stringify(account));

      // the credentials load now; the call itself fails at the transport, as nothing listens
      const transport = await publisher.publish([sampleEvent()]).catch((error: unknown) => error);
      expect(transport).toMatchObject({ code: 'QUEUE_UNAVAILABLE', cause: { code: 14 } });
    } finally {
      await publisher.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
