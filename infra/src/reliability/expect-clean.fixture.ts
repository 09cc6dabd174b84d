// What every fault test asserts about a scenario's result (not built, not a test file itself).
import { expect } from 'vitest';
import { buildRepository } from '../testing/build.fixture.js';
import { details, faultTable } from './report.js';
import type { ScenarioResult } from './scenario.js';

export const log = (line: string) => {
  console.log(`[reliability] ${line}`);
};

/** Brings the apps' dist/ up to date (only theirs: a half-edited file elsewhere cannot fail the suite). */
export function buildApps(): Promise<void> {
  return buildRepository(log, ['apps/web', 'apps/worker']);
}

/**
 * Prints the result's table row and details, then asserts that nothing acknowledged was lost,
 * reverted, made up or resurrected, and that the backlog drained after the recovery.
 */
export function expectClean(result: ScenarioResult): void {
  log(`\n${faultTable([result])}`);
  for (const line of details(result)) log(line);
  expect(result.problems).toEqual([]);
  const findings = {
    lost: result.lost,
    reverted: result.reverted,
    unexpected: result.unexpected,
    resurrected: result.resurrected,
  };
  expect(findings).toEqual({ lost: 0, reverted: 0, unexpected: 0, resurrected: 0 });
  expect(result.sessions).toBeGreaterThan(0);
  expect(result.drainMs).toBeDefined();
}
