// HTTP/1.1 over a bare socket, for headers and bodies that fetch refuses to send: control
// characters, non-ASCII bytes, repeated headers, oversized bodies (not built, not a test file itself).
import { connect } from 'node:net';

/** A header as sent: its value may be raw bytes. Repeat a name to send it more than once. */
export type RawHeader = readonly [name: string, value: string | Buffer];

export interface RawRequest {
  readonly method?: string;
  readonly path: string;
  readonly headers?: readonly RawHeader[];
  readonly body?: string | Buffer;
  /** Give up after this long, in ms. @defaultValue 15000 */
  readonly timeoutMs?: number;
}

export interface RawResponse {
  readonly status: number;
  /** Header lines as received, names lower-cased. */
  readonly headers: readonly (readonly [string, string])[];
  /** Every `Set-Cookie` value. */
  readonly setCookies: readonly string[];
  readonly body: string;
  /** How long the answer took, in ms. */
  readonly ms: number;
}

/**
 * Sends one request (with `Connection: close`) and reads the answer to its end. The server may
 * answer before it has read the whole body (a refusal) and close the connection on the rest,
 * which resets it: the answer still counts. It is never lost to that reset: the request goes out
 * in one write, so every later write of the body is libuv's own, which reads what arrived on the
 * socket before it writes again (no write from JavaScript can fail first and close the socket
 * with the answer unread); the kernel keeps received data readable after a reset.
 */
export function rawRequest(baseUrl: string, request: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
  const head: Buffer[] = [Buffer.from(`${request.method ?? 'GET'} ${request.path} HTTP/1.1\r\nHost: ${hostname}\r\n`)];
  for (const [name, value] of request.headers ?? []) {
    head.push(Buffer.from(`${name}: `), typeof value === 'string' ? Buffer.from(value, 'latin1') : value);
    head.push(Buffer.from('\r\n'));
  }
  if (body !== undefined) head.push(Buffer.from(`Content-Length: ${body.length}\r\n`));
  head.push(Buffer.from('Connection: close\r\n\r\n'));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy(new Error(`no answer to ${request.method ?? 'GET'} ${request.path} within the timeout`));
    }, request.timeoutMs ?? 15_000);
    socket.on('connect', () => {
      socket.write(body === undefined ? Buffer.concat(head) : Buffer.concat([...head, body]));
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const received = Buffer.concat(chunks);
      // A refusal may reset the connection while the body is still being written: the answer counts.
      if (received.length > 0) {
        try {
          resolve(parseResponse(received, performance.now() - started));
          return;
        } catch (parseError) {
          reject(parseError instanceof Error ? parseError : new Error(String(parseError)));
          return;
        }
      }
      reject(error ?? new Error('the connection closed without an answer'));
    };
    socket.on('error', finish);
    // The server may close its side while it still refuses to read the rest of a body.
    socket.on('end', () => {
      finish();
    });
    socket.on('close', () => {
      finish();
    });
  });
}

function parseResponse(raw: Buffer, ms: number): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  if (end === -1) throw new Error(`incomplete answer: ${JSON.stringify(raw.toString('latin1').slice(0, 200))}`);
  const [statusLine = '', ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!Number.isInteger(status)) throw new Error(`not an HTTP answer: ${JSON.stringify(statusLine)}`);
  const headers = lines.map((line) => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as const;
  });
  const chunked = headers.some(([name, value]) => name === 'transfer-encoding' && /chunked/i.test(value));
  const rest = raw.subarray(end + 4);
  return {
    status,
    headers,
    setCookies: headers.filter(([name]) => name === 'set-cookie').map(([, value]) => value),
    body: (chunked ? dechunk(rest) : rest).toString('utf8'),
    ms,
  };
}

function dechunk(raw: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd === -1) break;
    const size = Number.parseInt(raw.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isInteger(size) || size === 0) break;
    out.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}
