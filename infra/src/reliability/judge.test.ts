import { describe, expect, it } from 'vitest';
import type { Answer } from './http-client.js';
import { judgeState, promisedValues } from './judge.js';
import { SessionLedger } from './ledger.js';

const ok = (body: unknown): Answer => ({ status: 200, body, ms: 1 });
const refused: Answer = { status: 503, body: undefined, ms: 1 };

/** k0 acknowledged 1 then 5, 7 sent without an answer; counter acknowledged at 1 and 3 (one unanswered). */
function ledger(): SessionLedger {
  const one = new SessionLedger('u');
  one.recordLogin(ok({ id: 'key', version: 1, attrs: {} }));
  one.recordSet('k0', 1, ok({ id: 'key', version: 2, attrs: {} }));
  one.recordIncrement(ok({ value: 1, version: 3 }));
  one.recordIncrement(refused);
  one.recordSet('k0', 5, ok({ id: 'key', version: 5, attrs: {} }));
  one.recordIncrement(ok({ value: 3, version: 6 }));
  one.recordSet('k0', 7, refused);
  return one;
}

describe('judgeState', () => {
  it('accepts the newest acknowledged values', () => {
    expect(judgeState(ledger(), { attrs: { k0: 5, c: 3 }, version: 6 }, 'here')).toMatchObject({
      lost: 0,
      reverted: 0,
      unexpected: 0,
    });
  });

  it('accepts an unacknowledged write that landed after all', () => {
    expect(judgeState(ledger(), { attrs: { k0: 7, c: 3 }, version: 7 }, 'here').problems).toEqual([]);
  });

  it('calls an older acknowledged value a revert, and an older version too', () => {
    const findings = judgeState(ledger(), { attrs: { k0: 1, c: 1 }, version: 3 }, 'here');
    expect(findings).toMatchObject({ reverted: 3, lost: 0 });
    expect(findings.problems[0]).toBe('reverted: here u: k0 holds 1, an older acknowledged value than 5');
  });

  it('calls a missing value, or a total below the acknowledged one, lost', () => {
    const findings = judgeState(ledger(), { attrs: { c: 2 }, version: 6 }, 'here');
    expect(findings).toMatchObject({ lost: 2, reverted: 0 });
  });

  it('calls a value never sent, or more increments than were sent, unexpected', () => {
    expect(judgeState(ledger(), { attrs: { k0: 4, c: 3 }, version: 6 }, 'here').unexpected).toBe(1);
    expect(judgeState(ledger(), { attrs: { k0: 5, c: 4 }, version: 6 }, 'here').unexpected).toBe(1);
  });

  it('counts the values a session promises', () => {
    expect(promisedValues(ledger())).toBe(2);
    expect(promisedValues(new SessionLedger('empty'))).toBe(0);
  });
});
