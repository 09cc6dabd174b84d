import type { Socket } from 'node:net';

/** Bytes queued in one direction above which reading from its source pauses until the queue drains. */
const HIGH_WATER_BYTES = 8 * 2 ** 20;

interface Pending {
  /** A chunk to write, or `null` for the end of the stream. */
  readonly chunk: Buffer | null;
  /** When it may leave, ms on `performance.now()`'s clock. */
  readonly releaseAt: number;
}

/**
 * Forwards one direction of a connection, `from` → `to`, holding every chunk `delayMs` after it
 * arrived: a FIFO whose head leaves at arrival + delay. Chunks keep their order, and the delay is
 * added once per chunk, not once per chunk before it: whatever is in flight on a pipelined or
 * multiplexed connection stays in flight together. The end of `from` is delayed alike.
 */
export function delayPipe(from: Socket, to: Socket, delayMs: number): void {
  const queue: Pending[] = [];
  let head = 0;
  let queuedBytes = 0;
  let timer: NodeJS.Timeout | undefined;

  const release = (): void => {
    timer = undefined;
    const now = performance.now();
    for (let next = queue[head]; next !== undefined && next.releaseAt <= now; next = queue[head]) {
      head++;
      if (next.chunk === null) {
        to.end();
        continue;
      }
      queuedBytes -= next.chunk.length;
      if (!to.destroyed) to.write(next.chunk);
    }
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    } else if (head > 1024) {
      queue.splice(0, head);
      head = 0;
    }
    if (from.isPaused() && queuedBytes < HIGH_WATER_BYTES / 2) from.resume();
    schedule();
  };

  const schedule = (): void => {
    const next = queue[head];
    if (timer !== undefined || next === undefined) return;
    timer = setTimeout(release, Math.max(0, next.releaseAt - performance.now()));
  };

  const push = (chunk: Buffer | null): void => {
    queue.push({ chunk, releaseAt: performance.now() + delayMs });
    if (chunk !== null) {
      queuedBytes += chunk.length;
      if (queuedBytes > HIGH_WATER_BYTES) from.pause();
    }
    schedule();
  };

  from.on('data', (chunk: Buffer) => {
    push(chunk);
  });
  from.once('end', () => {
    push(null);
  });
  // Once `to` is gone nothing queued can be delivered: drop it. (Errors are the caller's: it
  // destroys both sockets of a connection when either fails.)
  to.once('close', () => {
    clearTimeout(timer);
    queue.length = 0;
    head = 0;
  });
}
