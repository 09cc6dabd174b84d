import { SessionError } from '@gaesession/core';

/**
 * Which step of the bundling failed; `drop`: a queue.yaml or cron.yaml that would drop an entry of
 * the app's own was refused (the deploy command exits 2).
 */
export type BundleFailure = 'build' | 'workspace' | 'dependencies' | 'imports' | 'files' | 'yaml' | 'drop';

/** The deployment bundle could not be written; `reason` says which step failed. */
export class BundleError extends SessionError {
  readonly reason: BundleFailure;

  constructor(reason: BundleFailure, message: string, options: { cause?: unknown } = {}) {
    super('DEPLOY_BUNDLE_FAILED', message, options);
    this.reason = reason;
  }
}
