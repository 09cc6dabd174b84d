// The apps a scenario runs against, with the settings every scenario shares.
import { services } from '@gaesession/testkit';
import { startApps, type AppServices, type RunningApps } from '../testing/apps.fixture.js';
import type { ScenarioResult, ScenarioSizes } from './scenario.js';

/** Environment of both apps in every scenario. */
export const SCENARIO_ENV: Readonly<Record<string, string>> = {
  // A killed worker's jobs come back after about twice this (the default is 30 s).
  WORKER_LOCK_MS: '2000',
  // No purge during a run: nothing expires, and it would only add Datastore load.
  PURGE_INTERVAL_MS: String(24 * 3_600_000),
};

/** One scenario of the fault table. */
export interface ScenarioDefinition {
  /** Short id, for `npm run chaos -- --only <id>`. */
  readonly id: string;
  /** The table's row label. */
  readonly name: string;
  /**
   * A control run: set up to lose acknowledged writes, so the checker must report them (a run
   * that comes out clean means the checker is blind).
   */
  readonly expectLoss?: boolean;
  /** Runs it with `sizes`, on services of its own where it breaks one. */
  run(sizes: ScenarioSizes, log: (line: string) => void): Promise<ScenarioResult>;
}

/**
 * Starts the apps (labelled `label`, on `own` services where given), runs `run`, and stops them,
 * printing their output when `run` fails.
 */
export async function withApps<T>(
  label: string,
  own: AppServices,
  log: (line: string) => void,
  run: (apps: RunningApps, redis: { host: string; port: number }) => Promise<T>,
): Promise<T> {
  const apps = await startApps({ label, env: SCENARIO_ENV, services: own });
  try {
    return await run(apps, own.redis ?? services.redis);
  } catch (error) {
    log(`${label} failed; the apps printed:\n${apps.output().slice(-8000)}`);
    throw error;
  } finally {
    await apps.stop();
  }
}
