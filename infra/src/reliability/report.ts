// The fault table and the lines behind it, as Markdown.
import type { ScenarioResult } from './scenario.js';

/** `12.3 s`, or `not drained` */
export function seconds(ms: number | undefined): string {
  return ms === undefined ? 'not drained' : `${(ms / 1000).toFixed(1)} s`;
}

/** `503×12, timeout×1`, or `-` */
export function refusedText(refused: Readonly<Record<string, number>>): string {
  const parts = Object.entries(refused).map(([outcome, count]) => `${outcome}×${count}`);
  return parts.length === 0 ? '-' : parts.join(', ');
}

/** The fault table: one row per scenario. */
export function faultTable(results: readonly ScenarioResult[]): string {
  const header =
    '| scenario | acknowledged (during fault) | non-2xx | lost | reverted | drain after recovery | fault lasted |';
  const rule = '|---|---:|---|---:|---:|---:|---:|';
  const rows = results.map((r) =>
    [
      r.name,
      `${r.acknowledged} (${r.acknowledgedDuringFault})`,
      `${r.nonAcknowledged}${r.nonAcknowledged > 0 ? ` (${refusedText(r.refused)})` : ''}`,
      String(r.lost),
      String(r.reverted),
      seconds(r.drainMs),
      seconds(r.faultMs),
    ].join(' | '),
  );
  return [header, rule, ...rows.map((row) => `| ${row} |`)].join('\n');
}

/** What the table leaves out: other findings, dropped sessions, dead letters, notes, problems. */
export function details(result: ScenarioResult): string[] {
  const lines = [
    `${result.name}: ${result.sessions} sessions checked, ${result.dropped} dropped by the app (401), ` +
      `${result.unexpected} unexpected, ${result.resurrected} resurrected, ` +
      `${result.failedJobs} jobs given up, ${result.deadLetters} dead letters`,
    ...Object.entries(result.measures).map(([name, value]) => `  ${name}: ${value}`),
    ...result.problems.map((problem) => `  ${problem}`),
  ];
  return lines;
}

/** True when nothing acknowledged went missing, back, or wrong. */
export function clean(result: ScenarioResult): boolean {
  return result.lost === 0 && result.reverted === 0 && result.unexpected === 0 && result.resurrected === 0;
}
