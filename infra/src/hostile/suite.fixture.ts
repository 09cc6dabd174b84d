// Shared helpers of the hostile-input suites: the real apps, built first; bounded concurrency; counts
// (not built, not a test file itself).
import { randomBytes } from 'node:crypto';
import { startApps, type RunningApps, type StartAppsOptions } from '../testing/apps.fixture.js';
import { buildRepository } from '../testing/build.fixture.js';

/** A cookie signing secret for the signed apps (COOKIE_SECRETS). */
export function cookieSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** Brings the apps' dist/ (and their libraries') up to date, then starts them (see `startApps`). */
export async function startBuiltApps(options: StartAppsOptions): Promise<RunningApps> {
  await buildRepository(undefined, ['apps/web', 'apps/worker']);
  return startApps(options);
}

/** Runs `work` on every item, `limit` at a time, keeping the order of the results. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** `{ target: count }` for a report line. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
