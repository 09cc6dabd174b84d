// HTTP/1.1 over a bare socket, for headers and bodies that fetch refuses to send: control
// characters, non-ASCII bytes, repeated headers, oversized bodies (not built, not a test file itself).
import { write } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

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
 * which resets it; a later write of the body then fails (EPIPE, ECONNRESET). The answer still
 * counts, and is never lost to that failure: the kernel keeps what it received readable after a
 * reset, but a net.Socket whose write fails marks its readable side errored too and drops it.
 * So the request is written to the socket's file descriptor directly ({@link writeRequest}): a
 * failed write only ends the writing, and the socket reads on to the answer.
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
  const bytes = body === undefined ? Buffer.concat(head) : Buffer.concat([...head, body]);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy(new Error(`no answer to ${request.method ?? 'GET'} ${request.path} within the timeout`));
    }, request.timeoutMs ?? 15_000);
    const writing = { stopped: false, done: Promise.resolve() };
    socket.on('connect', () => {
      writing.done = writeRequest(socket, bytes, () => writing.stopped).catch((error: unknown) => {
        socket.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      writing.stopped = true;
      // No write may still be on its way to the descriptor when the socket closes it (the number
      // could then belong to another file).
      void writing.done.then(() => {
        socket.destroy();
        const received = Buffer.concat(chunks);
        if (received.length === 0) {
          reject(error ?? new Error('the connection closed without an answer'));
          return;
        }
        try {
          resolve(parseResponse(received, performance.now() - started));
        } catch (parseError) {
          reject(parseError instanceof Error ? parseError : new Error(String(parseError)));
        }
      });
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

function writeTo(fd: number, data: Buffer, offset: number): Promise<number> {
  return new Promise((resolve, reject) => {
    write(fd, data, offset, data.length - offset, null, (error, written) => {
      if (error === null) resolve(written);
      else reject(error);
    });
  });
}

/**
 * Writes `data` to the connected socket's descriptor, waiting out a full send buffer (EAGAIN:
 * the descriptor is non-blocking), until all is written, `stopped()`, or the peer stops reading
 * (EPIPE, ECONNRESET: its answer, if any, is on the read side). Falls back to `socket.write`
 * where the socket has no descriptor to write to.
 */
async function writeRequest(socket: Socket, data: Buffer, stopped: () => boolean): Promise<void> {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (fd === undefined || fd < 0) {
    socket.write(data);
    return;
  }
  let offset = 0;
  while (offset < data.length && !stopped()) {
    try {
      offset += await writeTo(fd, data, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') await sleep(1);
      else if (code === 'EPIPE' || code === 'ECONNRESET') return;
      else throw error;
    }
  }
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
