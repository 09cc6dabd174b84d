import type { IncomingMessage } from 'node:http';

/** A request body read up to a limit. */
export interface LimitedBody {
  /** The body, or its first `limit` bytes when it is longer. */
  readonly body: Buffer;
  /** False when the body is longer than the limit; reading stopped there. */
  readonly complete: boolean;
  /** The declared length (Content-Length) when there is one, else the bytes seen. */
  readonly length: number;
}

/**
 * Reads a raw request body, keeping at most `limit` bytes. A longer body is not read to its end
 * (the caller answers and the connection closes), but its first `limit` bytes are kept, so the
 * caller can still record what it refused.
 */
export function readLimitedBody(req: IncomingMessage, limit: number): Promise<LimitedBody> {
  const declared = Number(req.headers['content-length']);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onAborted);
    };
    const finish = (complete: boolean): void => {
      cleanup();
      const body = Buffer.concat(chunks, Math.min(size, limit));
      resolve({ body, complete, length: Number.isSafeInteger(declared) ? declared : size });
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > limit) {
        req.pause();
        finish(false);
      }
    };
    const onEnd = (): void => {
      finish(true);
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onAborted = (): void => {
      cleanup();
      reject(new Error('the client aborted the request'));
    };
    req.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onAborted);
  });
}
