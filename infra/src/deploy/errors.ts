import { SessionError } from '@gaesession/core';

/** Which step of the bundling failed. */
export type BundleFailure = 'build' | 'workspace' | 'dependencies' | 'imports' | 'files' | 'yaml';

/** The deployment bundle could not be written; `reason` says which step failed. */
export class BundleError extends SessionError {
  readonly reason: BundleFailure;

  constructor(reason: BundleFailure, message: string, options: { cause?: unknown } = {}) {
    super('DEPLOY_BUNDLE_FAILED', message, options);
    this.reason = reason;
  }
}
