import { formatReport, type Check } from './report.js';
import type { RowSet } from './sets.js';

/** The heading of a set of rows. */
export function setHeading(rttMs: number): string {
  return rttMs === 0
    ? "Emulator's own ceiling (no added latency)"
    : `Datastore ${rttMs} ms round trip (${rttMs / 2} ms each way added by the latency proxy)`;
}

/**
 * The sets whose targets decide the verdict: those with a round trip added, since the targets
 * are about Datastore with production round trips; the emulator alone only when nothing else ran.
 */
export function judgedSets(sets: readonly RowSet[]): RowSet[] {
  const withLatency = sets.filter((set) => set.rttMs > 0);
  return withLatency.length > 0 ? withLatency : [...sets];
}

const checkLine = (rttMs: number, check: Check): string =>
  `- ${check.verdict} ${check.measurement} (${setHeading(rttMs).split(' (')[0] ?? ''}): ${check.figure}, target ${check.target}`;

/**
 * Every set's table and details under a heading of its own, then the target checks of the judged
 * sets as PASS/FAIL lines (the other sets' verdicts stay in their tables, for reference).
 */
export function formatRowSets(sets: readonly RowSet[]): { text: string; passed: boolean } {
  const judged = new Set(judgedSets(sets));
  const parts: string[] = [];
  const lines: string[] = [];
  let passed = true;
  for (const set of sets) {
    const report = formatReport(set.results);
    parts.push(`### ${setHeading(set.rttMs)}`, '', report.text, '');
    if (!judged.has(set)) continue;
    passed &&= report.passed;
    lines.push(...report.checks.map((check) => checkLine(set.rttMs, check)));
  }
  return { text: [...parts, '### Targets', '', ...lines].join('\n'), passed };
}
