import { setTimeout as sleep } from 'node:timers/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { holdResponseUntilCommitted, type ResponseHooks } from './response.js';
import { closeServers, listen } from './session.fixture.js';

afterEach(closeServers);

interface Gate {
  readonly hooks: ResponseHooks;
  readonly commits: number;
  readonly cookieReads: number;
  open(): void;
  fail(error: Error): void;
}

/** Hooks whose commit waits until the test opens (or fails) the gate. */
function gate(res: ServerResponse, onFail = (r: ServerResponse) => r.end('failed')): Gate {
  let release: () => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<void>((resolve, rejectPromise) => {
    release = resolve;
    reject = rejectPromise;
  });
  const state = { commits: 0, cookieReads: 0 };
  return {
    hooks: {
      cookie: () => {
        state.cookieReads++;
        return 'sid=abc; Path=/';
      },
      commit: () => {
        state.commits++;
        return promise;
      },
      fail: () => {
        res.statusCode = 500;
        onFail(res);
      },
    },
    get commits() {
      return state.commits;
    },
    get cookieReads() {
      return state.cookieReads;
    },
    open: () => {
      release();
    },
    fail: (error) => {
      reject(error);
    },
  };
}

/** A real server; `handler` gets each request with the hold already installed around `gate`. */
async function serve(
  handler: (req: IncomingMessage, res: ServerResponse, gate: Gate) => void,
  onGate?: (g: Gate) => void,
) {
  const server = createServer((req, res) => {
    const g = gate(res);
    holdResponseUntilCommitted(res, g.hooks);
    onGate?.(g);
    handler(req, res, g);
  });
  const url = await listen(server);
  return (path = '/') => fetch(url + path);
}

describe('holdResponseUntilCommitted', () => {
  it('sends nothing until the commit is done, commits once, then sends everything in order', async () => {
    let current: Gate | undefined;
    const request = await serve(
      (_req, res) => {
        res.setHeader('Content-Type', 'text/plain');
        res.write('a');
        res.write('b');
        res.end('c');
      },
      (g) => (current = g),
    );
    let answered = false;
    const pending = request().then((response) => {
      answered = true;
      return response;
    });
    // Wait for the commit to start (no fixed sleep: the machine may be busy), then check that
    // nothing was answered while it is held.
    while (current?.commits !== 1) await sleep(5);
    await sleep(20);
    expect(answered).toBe(false);
    expect(current.commits).toBe(1);
    current.open();
    const response = await pending;
    expect(await response.text()).toBe('abc');
    expect(response.headers.getSetCookie()).toEqual(['sid=abc; Path=/']);
    expect(current.commits).toBe(1);
    expect(current.cookieReads).toBe(1);
  });

  it('drops the app’s writes after a failed commit, without crashing the process', async () => {
    let lateWritesDone = (): void => undefined;
    const lateWrites = new Promise<void>((resolve) => {
      lateWritesDone = resolve;
    });
    const request = await serve((_req, res, g) => {
      res.write('part 1');
      g.fail(new Error('store down'));
      setTimeout(() => {
        res.write('part 2');
        res.writeHead(200);
        res.end('end');
        lateWritesDone();
      }, 20);
    });
    const response = await request();
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('failed');
    expect(response.headers.getSetCookie()).toEqual([]);
    // The app's writes after the failure ran, and threw nothing.
    await lateWrites;
  });

  it('destroys the socket when writeHead went first and the commit fails', async () => {
    const request = await serve((_req, res, g) => {
      res.writeHead(200);
      res.end('ok');
      g.fail(new Error('store down'));
    });
    await expect(request()).rejects.toThrow();
  });

  it('destroys the socket, not the process, when the error handler throws', async () => {
    const server = createServer((_req, res) => {
      const g = gate(res, () => {
        throw new Error('handler bug');
      });
      holdResponseUntilCommitted(res, g.hooks);
      res.end('ok');
      g.fail(new Error('store down'));
    });
    await expect(fetch(`${await listen(server)}/`)).rejects.toThrow();
  });

  it('keeps its cookie when writeHead brings its own Set-Cookie, as an object or an array', async () => {
    const request = await serve((req, res, g) => {
      g.open();
      res.setHeader('X-Before', '1');
      if (req.url === '/array') res.writeHead(201, 'Made', ['Set-Cookie', 'theme=dark', 'X-Array', 'yes']);
      else res.writeHead(201, { 'Set-Cookie': ['theme=dark'], 'X-Object': 'yes' });
      res.end();
    });
    for (const path of ['/object', '/array']) {
      const response = await request(path);
      expect(response.status).toBe(201);
      expect(response.headers.get('x-before')).toBe('1');
      expect(response.headers.get(path === '/array' ? 'x-array' : 'x-object')).toBe('yes');
      expect(response.headers.getSetCookie().sort()).toEqual(['sid=abc; Path=/', 'theme=dark']);
    }
  });

  it('passes writes through a wrapper installed after its own (as compression does)', async () => {
    const request = await serve((_req, res, g) => {
      const write = res.write.bind(res) as (chunk: string) => boolean;
      const end = res.end.bind(res) as (chunk?: string) => ServerResponse;
      res.write = ((chunk: string) => write(chunk.toUpperCase())) as typeof res.write;
      res.end = ((chunk?: string) => end(chunk?.toUpperCase())) as typeof res.end;
      res.write('a');
      setTimeout(() => {
        g.open();
        setTimeout(() => {
          res.write('b');
          res.end('c');
        }, 10);
      }, 10);
    });
    expect(await (await request()).text()).toBe('ABC');
  });

  it('destroys the response when a replayed call throws, and keeps serving', async () => {
    const request = await serve((req, res, g) => {
      if (req.url === '/bad') res.write(42); // a call Node refuses
      res.end('fine');
      g.open();
    });
    await expect(request('/bad')).rejects.toThrow();
    expect(await (await request('/good')).text()).toBe('fine');
  });
});
