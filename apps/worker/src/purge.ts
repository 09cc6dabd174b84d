import { purgeExpired, type PurgeOptions, type PurgeResult } from '@gaesession/persistence';
import type { Logger } from '@gaesession/core';

/** Runs a purge (resuming from `cursor` when given) and answers its result. */
export type PurgeRunner = (cursor?: string) => Promise<PurgeResult>;

export interface PurgeRunnerDependencies {
  logger: Logger;
  /** Told about each run: its result, or undefined when it failed. */
  onPurge?: (result: PurgeResult | undefined) => void;
}

/**
 * {@link purgeExpired} with logging and metrics: the cron endpoint and the local scheduler both
 * run purges through this. Overlapping runs share one (purgeExpired de-duplicates them).
 */
export function purgeRunner(options: Omit<PurgeOptions, 'cursor'>, deps: PurgeRunnerDependencies): PurgeRunner {
  return async (cursor) => {
    let result: PurgeResult;
    try {
      result = await purgeExpired(cursor === undefined ? options : { ...options, cursor });
    } catch (error) {
      deps.onPurge?.(undefined);
      deps.logger.error('purge failed', { error });
      throw error;
    }
    deps.onPurge?.(result);
    deps.logger.info(result.completed ? 'purge completed' : 'purge stopped at its time budget', { ...result });
    return result;
  };
}
