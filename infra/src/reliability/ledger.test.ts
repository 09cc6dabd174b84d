import { describe, expect, it } from 'vitest';
import type { Answer } from './http-client.js';
import { SessionLedger } from './ledger.js';

const ok = (body: unknown): Answer => ({ status: 200, body, ms: 1 });
const refused = (status: number): Answer => ({ status, body: { error: { code: 'X' } }, ms: 1 });
const view = (id: string, version: number, attrs: Record<string, unknown> = {}) => ok({ id, version, attrs });

describe('SessionLedger', () => {
  it('keeps acknowledged values apart from ones merely sent', () => {
    const ledger = new SessionLedger('u');
    expect(ledger.recordLogin(view('key1', 1))).toBe(true);
    expect(ledger.recordSet('k0', 1, view('key1', 2, { k0: 1 }))).toBe(true);
    expect(ledger.recordSet('k0', 3, refused(503))).toBe(false);
    const attribute = ledger.attributes.get('k0');
    expect(attribute?.acked).toEqual([1]);
    expect([...(attribute?.sent ?? [])]).toEqual([1, 3]);
    expect(ledger.version).toBe(2);
    expect(ledger.state).toBe('live');
  });

  it('counts increments acknowledged and not, with the totals answered', () => {
    const ledger = new SessionLedger('u');
    ledger.recordIncrement(ok({ value: 1, version: 2 }));
    ledger.recordIncrement(refused(503));
    ledger.recordIncrement(ok({ value: 3, version: 4 }));
    expect(ledger.counter).toEqual({ acked: 2, unacknowledged: 1, answers: [1, 3] });
    expect(ledger.version).toBe(4);
  });

  it('marks a session the app answers 401 for as dropped', () => {
    const ledger = new SessionLedger('u');
    ledger.recordLogin(view('key1', 1));
    ledger.recordIncrement(refused(401));
    expect(ledger.state).toBe('dropped');
  });

  it('follows a regenerate to the new key and remembers the old one', () => {
    const ledger = new SessionLedger('u');
    ledger.recordLogin(view('key1', 1));
    expect(ledger.recordRegenerate(view('key2', 1))).toBe(true);
    expect(ledger.key).toBe('key2');
    expect(ledger.retiredKeys).toEqual(['key1']);
    expect(ledger.version).toBe(1);
  });

  it('makes a session of unknown fate uncertain when a logout or regenerate is not acknowledged', () => {
    const ledger = new SessionLedger('u');
    ledger.recordLogin(view('key1', 1));
    ledger.recordLogout(refused(500));
    expect(ledger.uncertain).toBe(true);
    const other = new SessionLedger('v');
    other.recordLogin(view('key3', 1));
    other.recordLogout({ status: 204, body: undefined, ms: 1 });
    expect(other.state).toBe('logged-out');
    expect(other.uncertain).toBe(false);
  });

  it('hands out unique values', () => {
    const ledger = new SessionLedger('u');
    expect([ledger.nextValue(), ledger.nextValue(), ledger.nextValue()]).toEqual([1, 2, 3]);
  });
});
