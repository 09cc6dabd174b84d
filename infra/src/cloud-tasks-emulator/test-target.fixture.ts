// Test support (not exported): a real node:http server standing in for the worker service.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { credentials } from '@grpc/grpc-js';
import { CloudTasksClient } from '@google-cloud/tasks';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Date.now() when the request arrived. */
  at: number;
}

export interface TestTarget {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  received: ReceivedRequest[];
  close: () => Promise<void>;
}

/** Starts a target that records each request and answers with `respond`'s status (default 200). */
export async function startTestTarget(
  respond: (request: ReceivedRequest) => number | Promise<number> = () => 200,
): Promise<TestTarget> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      received.push(request);
      void Promise.resolve(respond(request)).then((status) => {
        res.writeHead(status).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/**
 * The real client, pointed at the emulator. `universeDomain` spares google-auth-library a probe
 * of the GCE metadata server (about half a second, and a warning) before the first call.
 */
export function tasksClient(port: number): CloudTasksClient {
  return new CloudTasksClient({
    apiEndpoint: '127.0.0.1',
    port,
    sslCreds: credentials.createInsecure(),
    universeDomain: 'googleapis.com',
  });
}
