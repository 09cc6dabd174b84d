import type { OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** What {@link holdResponseUntilCommitted} needs from the session layer. */
export interface ResponseHooks {
  /** The Set-Cookie value this response needs, if any; read when its headers are built. */
  cookie(): string | undefined;
  /** Saves the session; the response's body waits for it. */
  commit(): Promise<unknown>;
  /** Answers the request after a failed save, before any header went out. Must end `res` before returning. */
  fail(error: unknown): void;
}

type State = 'open' | 'committing' | 'sending' | 'failed';
type WriteHead = (statusCode: number, ...rest: unknown[]) => ServerResponse;
type Write = (...args: unknown[]) => boolean;
type End = (...args: unknown[]) => ServerResponse;

/**
 * Wraps writeHead/write/end so that the session is saved before the first body byte goes out and
 * its cookie is added when the headers are built. Calls made meanwhile are replayed in order
 * afterwards. After a failed save the app's own later calls are dropped: the response already
 * carries the error (or, when its headers were out, the socket is destroyed).
 *
 * The wrappers stay in place (and pass through once the save is done) instead of being removed,
 * so a middleware that wrapped these methods after us (compression, say) keeps working.
 */
export function holdResponseUntilCommitted(res: ServerResponse, hooks: ResponseHooks): void {
  // Node's overloads cannot be spelled as one signature; the wrappers forward arguments untouched.
  const original = {
    writeHead: res.writeHead.bind(res) as unknown as WriteHead,
    write: res.write.bind(res) as unknown as Write,
    end: res.end.bind(res) as unknown as End,
  };
  let state: State = 'open';
  let answeringError = false;
  let cookieAdded = false;
  const queued: (() => void)[] = [];
  const passThrough = () => state === 'sending' || answeringError;

  const addCookie = () => {
    if (cookieAdded || res.headersSent) return;
    cookieAdded = true;
    const cookie = hooks.cookie();
    if (cookie !== undefined) res.appendHeader('Set-Cookie', cookie);
  };

  const onCommitted = () => {
    state = 'sending';
    try {
      addCookie();
      for (const call of queued.splice(0)) call();
    } catch (error) {
      // A replayed call threw (bad arguments); the handler that made it has long returned.
      res.destroy(toError(error));
    }
  };

  const onFailed = (error: unknown) => {
    state = 'failed';
    queued.length = 0;
    cookieAdded = true; // the error answer must not hand out a session that was never saved
    if (res.headersSent) {
      res.destroy(toError(error));
      return;
    }
    answeringError = true;
    try {
      hooks.fail(error);
    } catch (failure) {
      res.destroy(toError(failure));
    } finally {
      answeringError = false;
    }
  };

  const hold = (call: () => void): void => {
    queued.push(call);
    if (state !== 'open') return;
    state = 'committing';
    hooks.commit().then(onCommitted, onFailed);
  };

  res.writeHead = function (statusCode: number, ...rest: unknown[]) {
    if (state === 'failed' && !answeringError) return res;
    const last = rest.at(-1);
    // An odd-length array goes to Node untouched, which refuses it.
    if (typeof last === 'object' && last !== null && !(Array.isArray(last) && last.length % 2 !== 0)) {
      // Apply the headers first, as Node itself would, so a Set-Cookie among them cannot replace ours.
      applyHeaders(res, last as OutgoingHttpHeaders | OutgoingHttpHeader[]);
      rest.pop();
    }
    addCookie();
    return original.writeHead(statusCode, ...rest);
  };

  res.write = function (...args: unknown[]) {
    if (passThrough()) return original.write(...args);
    if (state !== 'failed') hold(() => original.write(...args));
    return state !== 'failed';
  } as typeof res.write;

  res.end = function (...args: unknown[]) {
    if (passThrough()) return original.end(...args);
    if (state !== 'failed') hold(() => original.end(...args));
    return res;
  } as typeof res.end;
}

/** What Node's writeHead does with a headers argument once headers were set with setHeader. */
function applyHeaders(res: ServerResponse, headers: OutgoingHttpHeaders | OutgoingHttpHeader[]): void {
  const pairs = Array.isArray(headers)
    ? Array.from({ length: headers.length / 2 }, (_, i) => [String(headers[2 * i]), headers[2 * i + 1]] as const)
    : Object.entries(headers);
  for (const [name, value] of pairs) if (name !== '') res.setHeader(name, value as OutgoingHttpHeader);
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
