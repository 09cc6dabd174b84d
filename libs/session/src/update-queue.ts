import type { Op, SessionRecord } from '@gaesession/core';

/** Writes `ops` on top of `base` (compare-and-set, re-applying on conflict); answers the record written. */
export type UpdateWriter = (base: SessionRecord, ops: readonly Op[]) => Promise<SessionRecord>;

interface Waiting {
  readonly base: SessionRecord;
  readonly ops: readonly Op[];
  readonly resolve: (record: SessionRecord) => void;
  readonly reject: (error: unknown) => void;
}

/** Most requests merged into one write. */
const MAX_BATCH = 100;

/**
 * Serializes and merges the concurrent updates of one session within this process. While a write
 * of a key is in flight, later updates of that key wait; then they go out together, as one
 * compare-and-set carrying their ops in arrival order, on top of the record just written. So a
 * burst of requests on one session costs a few round trips instead of a storm of conflicting
 * compare-and-sets; conflicts come only from other processes. Each request is answered with the
 * record that holds its ops.
 */
export class UpdateQueue {
  readonly #waiting = new Map<string, Waiting[]>();

  update(base: SessionRecord, ops: readonly Op[], write: UpdateWriter): Promise<SessionRecord> {
    const queue = this.#waiting.get(base.key);
    if (queue !== undefined) {
      return new Promise((resolve, reject) => queue.push({ base, ops, resolve, reject }));
    }
    const waiting: Waiting[] = [];
    this.#waiting.set(base.key, waiting);
    const first = write(base, ops);
    const next = (record: SessionRecord | undefined) => {
      // The common case, a lone request: nothing queued behind it.
      if (waiting.length === 0) this.#waiting.delete(base.key);
      else void this.#drain(base.key, waiting, record, write);
    };
    first.then(next, () => {
      next(undefined);
    });
    return first;
  }

  /** Sends what queued up behind a write, batch by batch, until nothing waits for the key. */
  async #drain(key: string, queue: Waiting[], last: SessionRecord | undefined, write: UpdateWriter): Promise<void> {
    let latest = last;
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      latest = await this.#writeBatch(batch, latest, write);
    }
    this.#waiting.delete(key);
  }

  async #writeBatch(batch: Waiting[], latest: SessionRecord | undefined, write: UpdateWriter) {
    try {
      const record = await write(
        newest(batch, latest),
        batch.flatMap((item) => item.ops),
      );
      for (const item of batch) item.resolve(record);
      return record;
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return latest;
      }
      // One request's ops must not fail its neighbours (an overflow, a size limit): alone, each
      // gets its own outcome.
      let current = latest;
      for (const item of batch) {
        try {
          current = await write(newest([item], current), item.ops);
          item.resolve(current);
        } catch (itemError) {
          item.reject(itemError);
        }
      }
      return current;
    }
  }
}

/** The newest record known: the last one written here, or the newest base a request loaded. */
function newest(batch: readonly Waiting[], latest: SessionRecord | undefined): SessionRecord {
  let best = latest;
  for (const item of batch) if (best === undefined || item.base.version > best.version) best = item.base;
  return best as SessionRecord;
}
