import { setTimeout as sleep } from 'node:timers/promises';

/** Heap and process memory after a full collection, bytes. */
export interface MemorySample {
  readonly heapUsed: number;
  readonly rss: number;
  /** Memory outside the V8 heap that JS objects hold (buffers). */
  readonly external: number;
}

/** The global `gc` of a process started with `--expose-gc`. */
export function exposedGc(): () => void {
  const gc = (globalThis as { gc?: unknown }).gc;
  if (typeof gc !== 'function') throw new Error('the memory measurement needs node --expose-gc');
  return gc as () => void;
}

/** Two full collections `settleMs` apart (timers and sockets let go of what they held), then a sample. */
export async function settledSample(gc: () => void, settleMs: number): Promise<MemorySample> {
  gc();
  await sleep(settleMs);
  gc();
  const { heapUsed, rss, external } = process.memoryUsage();
  return { heapUsed, rss, external };
}
