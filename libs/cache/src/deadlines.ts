/** One watched request: it is failed with `expire` once `at` (ms, `performance.now()`) passes. */
interface Entry {
  readonly at: number;
  readonly expire: () => void;
}

/**
 * Deadlines of many requests on one timer, instead of a timer per request. Every deadline has
 * the same length, so entries expire in the order they were added; a sweep every `resolutionMs`
 * fails the overdue ones (a deadline fires up to `resolutionMs` late). The timer runs only while
 * something is watched, and never keeps the process alive.
 */
export class Deadlines {
  readonly #entries = new Set<Entry>();
  readonly #lengthMs: number;
  readonly #resolutionMs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(lengthMs: number, resolutionMs = Math.max(1, Math.min(100, lengthMs / 4))) {
    this.#lengthMs = lengthMs;
    this.#resolutionMs = resolutionMs;
  }

  /** Calls `expire` once the deadline passes, unless the returned `done` is called first. */
  watch(expire: () => void): () => void {
    const entry: Entry = { at: performance.now() + this.#lengthMs, expire };
    this.#entries.add(entry);
    if (this.#timer === undefined) {
      this.#timer = setInterval(this.#sweep, this.#resolutionMs);
      this.#timer.unref();
    }
    return () => {
      this.#entries.delete(entry);
    };
  }

  readonly #sweep = (): void => {
    const now = performance.now();
    for (const entry of this.#entries) {
      if (entry.at > now) break;
      this.#entries.delete(entry);
      entry.expire();
    }
    if (this.#entries.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  };
}
