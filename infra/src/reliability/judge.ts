// Compares what a session holds (in Datastore, or in a read's answer) with what was acknowledged.
import { COUNTER, type AttributeLedger, type SessionLedger } from './ledger.js';

/** What one comparison found. Every count must be 0. */
export interface Findings {
  /**
   * Acknowledged values that are gone: an attribute missing, holding an older unacknowledged
   * value, or the whole session missing; increments below the acknowledged total.
   */
  lost: number;
  /** Places holding an older acknowledged value (or version) than a newer acknowledged one. */
  reverted: number;
  /** Values nobody wrote, or increments counted more often than they were sent. */
  unexpected: number;
  /** One line per finding, for the report. */
  readonly problems: string[];
}

export function noFindings(): Findings {
  return { lost: 0, reverted: 0, unexpected: 0, problems: [] };
}

/** Adds `more` into `into`, keeping at most `maxProblems` problem lines. */
export function addFindings(into: Findings, more: Findings, maxProblems = 20): void {
  into.lost += more.lost;
  into.reverted += more.reverted;
  into.unexpected += more.unexpected;
  into.problems.push(...more.problems.slice(0, Math.max(0, maxProblems - into.problems.length)));
}

/** The values a session's acknowledged writes promise: one per attribute written, and the counter. */
export function promisedValues(ledger: SessionLedger): number {
  const attributes = [...ledger.attributes.values()].filter((attribute) => attribute.acked.length > 0).length;
  return attributes + (ledger.counter.acked > 0 ? 1 : 0);
}

/**
 * Compares a session's state (`attrs` and `version`, from Datastore or from a read) with its
 * ledger. `where` prefixes the problem lines.
 */
export function judgeState(
  ledger: SessionLedger,
  state: { readonly attrs: Readonly<Record<string, unknown>>; readonly version: number },
  where: string,
): Findings {
  const findings = noFindings();
  const problem = (kind: keyof Omit<Findings, 'problems'>, text: string) => {
    findings[kind] += 1;
    findings.problems.push(`${kind}: ${where} ${ledger.user}: ${text}`);
  };
  for (const [name, attribute] of ledger.attributes) {
    const verdict = judgeAttribute(attribute, state.attrs[name]);
    if (verdict !== undefined) problem(verdict.kind, `${name} ${verdict.text}`);
  }
  const counter = judgeCounter(ledger, state.attrs[COUNTER]);
  if (counter !== undefined) problem(counter.kind, `${COUNTER} ${counter.text}`);
  if (state.version < ledger.version) {
    problem('reverted', `version ${state.version} is older than the acknowledged ${ledger.version}`);
  }
  return findings;
}

type Verdict = { kind: 'lost' | 'reverted' | 'unexpected'; text: string } | undefined;

function judgeAttribute(attribute: AttributeLedger, value: unknown): Verdict {
  const newest = attribute.acked.at(-1);
  if (value === undefined) {
    return newest === undefined ? undefined : { kind: 'lost', text: `missing (acknowledged ${newest})` };
  }
  if (typeof value !== 'number' || !attribute.sent.has(value)) {
    return { kind: 'unexpected', text: `holds ${JSON.stringify(value)}, which was never sent` };
  }
  // Newer than the newest acknowledged value: an unacknowledged write that landed after all.
  if (newest === undefined || value >= newest) return undefined;
  return attribute.acked.includes(value)
    ? { kind: 'reverted', text: `holds ${value}, an older acknowledged value than ${newest}` }
    : { kind: 'lost', text: `holds the unacknowledged ${value} instead of the acknowledged ${newest}` };
}

function judgeCounter(ledger: SessionLedger, value: unknown): Verdict {
  const { acked, unacknowledged, answers } = ledger.counter;
  const total = value === undefined ? 0 : value;
  if (typeof total !== 'number') return { kind: 'unexpected', text: `holds ${JSON.stringify(total)}` };
  if (total > acked + unacknowledged) {
    return { kind: 'unexpected', text: `is ${total}, more than the ${acked + unacknowledged} increments sent` };
  }
  const newest = answers.at(-1) ?? 0;
  if (total >= newest) return undefined;
  return answers.includes(total)
    ? { kind: 'reverted', text: `is ${total}, an older acknowledged total than ${newest}` }
    : { kind: 'lost', text: `is ${total}, below the acknowledged total ${newest}` };
}
