/** Raised when a {@link Countdown} stops moving: the run is stuck, not slow. */
export class StalledError extends Error {
  override readonly name = 'StalledError';
}

/**
 * Counts completions up to a target. `done` resolves when the target is reached and rejects with
 * {@link StalledError} when no completion came for `stallMs`.
 */
export class Countdown {
  readonly target: number;
  readonly #stallMs: number;
  #count = 0;
  #lastProgress = Date.now();
  readonly #watch: NodeJS.Timeout;
  readonly done: Promise<void>;
  #resolve: () => void = () => undefined;

  /** @param stallMs - give up after this many ms without a completion */
  constructor(target: number, stallMs: number) {
    this.target = target;
    this.#stallMs = stallMs;
    let reject: (error: Error) => void = () => undefined;
    this.done = new Promise<void>((resolve, rejectDone) => {
      this.#resolve = resolve;
      reject = rejectDone;
    });
    this.#watch = setInterval(
      () => {
        if (Date.now() - this.#lastProgress <= this.#stallMs) return;
        clearInterval(this.#watch);
        reject(new StalledError(`no progress for ${this.#stallMs} ms at ${this.#count} of ${this.target}`));
      },
      Math.max(10, Math.min(1000, stallMs / 4)),
    );
    if (target <= 0) this.#finish();
  }

  get count(): number {
    return this.#count;
  }

  /** One more completion (more than the target are counted but change nothing). */
  tick(by = 1): void {
    this.#count += by;
    this.#lastProgress = Date.now();
    if (this.#count >= this.target) this.#finish();
  }

  /** Stops watching (the promise then never rejects). */
  dispose(): void {
    clearInterval(this.#watch);
  }

  #finish(): void {
    clearInterval(this.#watch);
    this.#resolve();
  }
}
