import { SessionError } from '@gaesession/session';

/** Which step of the bundling failed. */
export type BundleFailure = 'build' | 'workspace' | 'dependencies' | 'imports' | 'files' | 'yaml';

/** The deployment bundle could not be written; `reason` says which step failed. */
export class BundleError extends SessionError {
  readonly reason: BundleFailure;

  constructor(reason: BundleFailure, message: string, options: { cause?: unknown } = {}) {
    super('BUNDLE_FAILED', message, 500, options);
    this.reason = reason;
  }
}
