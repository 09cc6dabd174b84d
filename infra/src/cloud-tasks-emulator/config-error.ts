/**
 * A queue.yaml, option or CLI flag the emulator cannot work with, found at startup.
 *
 * It mirrors `ConfigurationError` from @gaesession/session (same stable `code`) without extending
 * it: the infra package does not depend on the session library (see README, "Errors").
 */
export class EmulatorConfigError extends Error {
  /** Stable machine-readable code, the same as the session library's configuration errors. */
  readonly code = 'CONFIGURATION';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EmulatorConfigError';
  }
}
