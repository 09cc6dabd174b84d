/** Anything a test opens that has an async `close()`: a client, a server, a worker. */
export interface Closable {
  close(): Promise<unknown>;
}

/**
 * What a test opened, closed after it: `afterEach(() => cleanup.run())`. Steps run newest first,
 * one at a time, and every one runs even when an earlier one fails.
 */
export class Cleanup {
  readonly #steps: (() => unknown)[] = [];

  /** Runs `steps` (in reverse order) at the next `run()`. */
  add(...steps: (() => unknown)[]): void {
    this.#steps.push(...steps);
  }

  /** Closes `thing` at the next `run()`, and returns it. */
  track<T extends Closable>(thing: T): T {
    this.add(() => thing.close());
    return thing;
  }

  /** `start`, with everything it starts closed at the next `run()`. */
  tracking<A extends unknown[], T extends Closable>(start: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
    return async (...args) => this.track(await start(...args));
  }

  /** Runs and forgets every step added since the last run; then rethrows what failed, if anything. */
  async run(): Promise<void> {
    const failures: unknown[] = [];
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} cleanup steps failed`);
  }
}
