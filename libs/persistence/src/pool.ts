/**
 * Runs counted tasks with at most `limit` in flight. The first failure is kept and rethrown by the
 * next `run` or by `drain`; tasks already running finish first, so nothing is left dangling.
 */
export class TaskPool {
  readonly #limit: number;
  readonly #running = new Set<Promise<void>>();
  #failure: { error: unknown } | undefined;
  #done = 0;

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  /** Sum of the counts of the tasks that succeeded. */
  get done(): number {
    return this.#done;
  }

  /** Starts `task` once a slot is free. */
  async run(task: () => Promise<number>): Promise<void> {
    while (this.#running.size >= this.#limit) await Promise.race(this.#running);
    this.#throwIfFailed();
    const running: Promise<void> = task()
      .then(
        (count) => {
          this.#done += count;
        },
        (error: unknown) => {
          this.#failure ??= { error };
        },
      )
      .finally(() => this.#running.delete(running));
    this.#running.add(running);
  }

  /** Waits for every task; rethrows the first failure. */
  async drain(): Promise<void> {
    await Promise.all(this.#running);
    this.#throwIfFailed();
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure.error;
  }
}
