// memcached's text protocol on one connection, for the suites that look into a memcached or
// act on it: read items, plant one, delete one, flush (not built, not a test file itself).
import { connect } from 'node:net';

/**
 * Sends memcached text-protocol commands on one connection to the memcached at `address`
 * (`host:port`; the first of a list) and reads each answer to its end.
 */
export async function memcachedSession<T>(
  address: string,
  use: (command: (line: string) => Promise<Buffer>) => Promise<T>,
): Promise<T> {
  const [host = '127.0.0.1', port = '11211'] = (address.split(',')[0] ?? '').split(':');
  const socket = connect(Number(port), host);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve).once('error', reject);
  });
  let buffered = Buffer.alloc(0);
  let waiting: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    waiting?.();
  });
  /** Resolves with an answer once `complete` finds its end, as the answer's length. */
  const answer = (complete: (data: Buffer) => number | undefined) =>
    new Promise<Buffer>((resolve) => {
      const check = () => {
        const length = complete(buffered);
        if (length === undefined) return;
        waiting = undefined;
        const out = buffered.subarray(0, length);
        buffered = buffered.subarray(length);
        resolve(out);
      };
      waiting = check;
      check();
    });
  try {
    return await use((line) => {
      socket.write(`${line}\r\n`);
      if (line.startsWith('get ')) return answer(getAnswerLength);
      if (line.startsWith('lru_crawler')) return answer(endAnswerLength);
      return answer((data) => {
        const lineEnd = data.indexOf('\r\n');
        return lineEnd === -1 ? undefined : lineEnd + 2;
      });
    });
  } finally {
    socket.end();
  }
}

/** Length of an answer ending in "END\r\n" at a line start (metadump), or of a one-line refusal. */
function endAnswerLength(data: Buffer): number | undefined {
  if (data.subarray(0, 5).toString() === 'END\r\n') return 5;
  if (/^(BUSY|ERROR|CLIENT_ERROR|SERVER_ERROR)/.test(data.subarray(0, 12).toString('latin1'))) {
    const lineEnd = data.indexOf('\r\n');
    return lineEnd === -1 ? undefined : lineEnd + 2;
  }
  // metadump ends its lines with a bare "\n", and the dump with "END\r\n".
  const at = data.indexOf('\nEND\r\n');
  return at === -1 ? undefined : at + 6;
}

/** Length of a `get` answer (VALUE lines with byte counts, then END), when it is all there. */
function getAnswerLength(data: Buffer): number | undefined {
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const line = data.subarray(at, lineEnd).toString('latin1');
    if (line === 'END') return lineEnd + 2;
    const bytes = Number(/^VALUE \S+ \d+ (\d+)/.exec(line)?.[1]);
    if (!Number.isInteger(bytes)) throw new Error(`unexpected memcached answer: ${line}`);
    at = lineEnd + 2 + bytes + 2;
    if (at > data.length) return undefined;
  }
}
