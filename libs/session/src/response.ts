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
  const hold = new ResponseHold(res, hooks);
  // Node's overloads cannot be spelled as one signature; the wrappers forward arguments untouched.
  res.writeHead = (statusCode: number, ...rest: unknown[]) => hold.writeHead(statusCode, rest);
  res.write = ((...args: unknown[]) => hold.write(args)) as typeof res.write;
  res.end = ((...args: unknown[]) => hold.end(args)) as typeof res.end;
}

/**
 * The state of one held response; one object per request, its methods shared. The originals are
 * the methods as they were when the hold was installed (a middleware's own wrappers, say), called
 * on `res` without binding them.
 */
class ResponseHold {
  readonly #res: ServerResponse;
  readonly #hooks: ResponseHooks;
  readonly #writeHead: WriteHead;
  readonly #write: Write;
  readonly #end: End;
  #state: State = 'open';
  #answeringError = false;
  #cookieAdded = false;
  #queued: (() => void)[] | undefined;

  constructor(res: ServerResponse, hooks: ResponseHooks) {
    this.#res = res;
    this.#hooks = hooks;
    // Called with `res` as `this` (see writeHead, write and end), exactly as unbound originals are.
    /* eslint-disable @typescript-eslint/unbound-method */
    this.#writeHead = res.writeHead as unknown as WriteHead;
    this.#write = res.write as unknown as Write;
    this.#end = res.end as unknown as End;
    /* eslint-enable @typescript-eslint/unbound-method */
  }

  writeHead(statusCode: number, rest: unknown[]): ServerResponse {
    const res = this.#res;
    if (this.#state === 'failed' && !this.#answeringError) return res;
    const last = rest.at(-1);
    // An odd-length array goes to Node untouched, which refuses it.
    if (typeof last === 'object' && last !== null && !(Array.isArray(last) && last.length % 2 !== 0)) {
      // Apply the headers first, as Node itself would, so a Set-Cookie among them cannot replace ours.
      applyHeaders(res, last as OutgoingHttpHeaders | OutgoingHttpHeader[]);
      rest.pop();
    }
    this.#addCookie();
    return this.#writeHead.call(res, statusCode, ...rest);
  }

  write(args: unknown[]): boolean {
    if (this.#passThrough()) return this.#write.apply(this.#res, args);
    if (this.#state === 'failed') return false;
    this.#hold(() => this.#write.apply(this.#res, args));
    return true;
  }

  end(args: unknown[]): ServerResponse {
    if (this.#passThrough()) return this.#end.apply(this.#res, args);
    if (this.#state !== 'failed') this.#hold(() => this.#end.apply(this.#res, args));
    return this.#res;
  }

  #passThrough(): boolean {
    return this.#state === 'sending' || this.#answeringError;
  }

  #addCookie(): void {
    if (this.#cookieAdded || this.#res.headersSent) return;
    this.#cookieAdded = true;
    const cookie = this.#hooks.cookie();
    if (cookie !== undefined) this.#res.appendHeader('Set-Cookie', cookie);
  }

  #hold(call: () => void): void {
    (this.#queued ??= []).push(call);
    if (this.#state !== 'open') return;
    this.#state = 'committing';
    this.#hooks.commit().then(
      () => {
        this.#onCommitted();
      },
      (error: unknown) => {
        this.#onFailed(error);
      },
    );
  }

  #onCommitted(): void {
    this.#state = 'sending';
    try {
      this.#addCookie();
      const queued = this.#queued ?? [];
      this.#queued = undefined;
      for (const call of queued) call();
    } catch (error) {
      // A replayed call threw (bad arguments); the handler that made it has long returned.
      this.#res.destroy(toError(error));
    }
  }

  #onFailed(error: unknown): void {
    this.#state = 'failed';
    this.#queued = undefined;
    this.#cookieAdded = true; // the error answer must not hand out a session that was never saved
    const res = this.#res;
    if (res.headersSent) {
      res.destroy(toError(error));
      return;
    }
    this.#answeringError = true;
    try {
      this.#hooks.fail(error);
    } catch (failure) {
      res.destroy(toError(failure));
    } finally {
      this.#answeringError = false;
    }
  }
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
