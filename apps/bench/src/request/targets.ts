import type { ServerId } from './catalogue.js';
import { formatRatio, ratio, type ServerResult } from './report.js';

/** One of the project's request-path targets: gaesession's rate over a peer's. */
export interface Target {
  readonly route: 'read' | 'write';
  readonly peer: ServerId;
  /** The least acceptable ratio. */
  readonly atLeast: number;
  /** How the peer is named in the check line. */
  readonly peerLabel: string;
}

export const TARGETS: readonly Target[] = [
  { route: 'read', peer: 'express', atLeast: 0.75, peerLabel: 'bare Express' },
  { route: 'write', peer: 'redis', atLeast: 1.0, peerLabel: 'express-session + connect-redis' },
  { route: 'write', peer: 'datastore', atLeast: 10, peerLabel: 'express-session + connect-datastore' },
];

export type Verdict = 'PASS' | 'FAIL' | 'n/a';

export interface CheckResult {
  readonly target: Target;
  readonly ratio: number | undefined;
  readonly verdict: Verdict;
  /** Why it failed beyond the ratio (gaesession answered errors), if it did. */
  readonly note?: string;
}

/**
 * Each target against these results. A target passes only if the ratio reaches it and
 * gaesession's run had no failed request (fast error answers must not count as throughput);
 * it is `n/a` when either server is missing from the results.
 */
export function checkTargets(results: readonly ServerResult[], targets: readonly Target[] = TARGETS): CheckResult[] {
  const byId = new Map(results.map((result) => [result.id, result]));
  return targets.map((target) => {
    const ours = byId.get('gaesession')?.[target.route];
    const theirs = byId.get(target.peer)?.[target.route];
    const value = ratio(ours?.requestsPerSec, theirs?.requestsPerSec);
    if (ours === undefined || value === undefined) return { target, ratio: value, verdict: 'n/a' };
    if (ours.failures > 0) return { target, ratio: value, verdict: 'FAIL', note: `${ours.failures} failed requests` };
    return { target, ratio: value, verdict: value >= target.atLeast ? 'PASS' : 'FAIL' };
  });
}

export function formatCheck(check: CheckResult): string {
  const { target } = check;
  const goal = `gaesession ${target.route}s ≥ ${target.atLeast}× ${target.peerLabel}`;
  const note = check.note === undefined ? '' : ` (${check.note})`;
  return `${check.verdict.padEnd(4)} ${goal}: ${formatRatio(check.ratio)}${note}`;
}

/** "Does group enqueue pay?": gaesession's write rate over the same stack without it. */
export function groupEnqueueLine(results: readonly ServerResult[]): string | undefined {
  const grouped = results.find((result) => result.id === 'gaesession')?.write;
  const ungrouped = results.find((result) => result.id === 'gaesession-ungrouped')?.write;
  const value = ratio(grouped?.requestsPerSec, ungrouped?.requestsPerSec);
  if (value === undefined) return undefined;
  return `info group enqueue: gaesession writes = ${formatRatio(value)} gaesession without GroupingPublisher`;
}
