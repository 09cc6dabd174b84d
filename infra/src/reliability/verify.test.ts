import { setTimeout as sleep } from 'node:timers/promises';
import type { StoredState } from '@gaesession/persistence';
import type { JsonObject, SessionRecord } from '@gaesession/core';
import { describe, expect, it } from 'vitest';
import type { Answer } from './http-client.js';
import { SessionLedger } from './ledger.js';
import { judgeStored, reached, targetsOf, verifyLedgers, waitForTargets, type StateReader } from './verify.js';

const ok = (body: unknown): Answer => ({ status: 200, body, ms: 1 });

function stored(key: string, version: number, attrs: JsonObject): StoredState {
  const record: SessionRecord = { key, version, created: 1, accessed: 1, timeout: 60_000, constants: {}, attrs };
  return { state: 'stored', record, expired: false };
}

function written(user: string, key: string): SessionLedger {
  const ledger = new SessionLedger(user);
  ledger.recordLogin(ok({ id: key, version: 1, attrs: {} }));
  ledger.recordSet('k0', 1, ok({ id: key, version: 2, attrs: {} }));
  return ledger;
}

/** Answers from a map that the test changes as "the worker" catches up. */
function reader(states: Map<string, StoredState>): StateReader {
  return { inspect: (key) => Promise.resolve(states.get(key) ?? { state: 'missing' }) };
}

describe('judgeStored', () => {
  it('finds nothing wrong when Datastore holds the acknowledged values', () => {
    const ledger = written('u', 'a');
    const result = judgeStored(ledger, new Map([['a', stored('a', 2, { k0: 1 })]]));
    expect(result).toMatchObject({ lost: 0, reverted: 0, sessions: 1, problems: [] });
  });

  it('counts a session missing from Datastore as lost, one per promised value at least', () => {
    const result = judgeStored(written('u', 'a'), new Map());
    expect(result.lost).toBe(1);
    expect(result.problems).toEqual(['lost: u: session a is missing in Datastore']);
  });

  it('counts a logged-out session, or a regenerated-away key, that is live again as resurrected', () => {
    const out = written('u', 'a');
    out.recordLogout({ status: 204, body: undefined, ms: 1 });
    expect(judgeStored(out, new Map([['a', stored('a', 2, { k0: 1 })]])).resurrected).toBe(1);
    expect(judgeStored(out, new Map([['a', { state: 'destroyed', version: 9 }]])).resurrected).toBe(0);
    const moved = written('v', 'b');
    moved.recordRegenerate(ok({ id: 'c', version: 1, attrs: {} }));
    const states = new Map([
      ['b', stored('b', 3, { k0: 1 })],
      ['c', stored('c', 1, { k0: 1 })],
    ]);
    expect(judgeStored(moved, states)).toMatchObject({ resurrected: 1, lost: 0 });
  });

  it('accepts either fate for a session whose logout went unanswered', () => {
    const ledger = written('u', 'a');
    ledger.recordLogout({ status: 0, body: undefined, ms: 1, failure: 'timeout' });
    expect(judgeStored(ledger, new Map()).problems).toEqual([]);
    expect(judgeStored(ledger, new Map([['a', stored('a', 2, { k0: 1 })]])).problems).toEqual([]);
  });
});

describe('targets', () => {
  it('expect the acknowledged version, or a tombstone after a logout', () => {
    const live = written('u', 'a');
    const out = written('v', 'b');
    out.recordLogout({ status: 204, body: undefined, ms: 1 });
    expect(targetsOf([live, out, new SessionLedger('never')])).toEqual([
      { key: 'a', version: 2, destroyed: false },
      { key: 'b', version: 2, destroyed: true },
    ]);
    expect(reached({ key: 'a', version: 2, destroyed: false }, stored('a', 3, {}))).toBe(true);
    expect(reached({ key: 'a', version: 2, destroyed: false }, stored('a', 1, {}))).toBe(false);
    expect(reached({ key: 'b', version: 2, destroyed: true }, stored('b', 2, {}))).toBe(false);
  });

  it('are waited for until Datastore reaches them and the queue is empty', async () => {
    const states = new Map<string, StoredState>([['a', stored('a', 1, {})]]);
    let depth = 1;
    const waiting = waitForTargets(reader(states), [{ key: 'a', version: 2, destroyed: false }], {
      queueDepth: () => Promise.resolve(depth),
      timeoutMs: 5000,
      intervalMs: 10,
    });
    await sleep(50);
    states.set('a', stored('a', 2, {}));
    await sleep(50);
    const before = Date.now();
    depth = 0;
    const drainedAt = await waiting;
    expect(drainedAt).toBeGreaterThanOrEqual(before);
  });

  it('give up with undefined after the timeout', async () => {
    const drainedAt = await waitForTargets(reader(new Map()), [{ key: 'a', version: 1, destroyed: false }], {
      timeoutMs: 30,
      intervalMs: 10,
    });
    expect(drainedAt).toBeUndefined();
  });
});

describe('verifyLedgers', () => {
  it('adds up every ledger', async () => {
    const states = new Map([['a', stored('a', 1, {})]]);
    const result = await verifyLedgers(reader(states), [written('u', 'a'), written('v', 'b')]);
    // a: version 1 < 2 and k0 missing; b: missing altogether.
    expect(result).toMatchObject({ sessions: 2, lost: 2, reverted: 1 });
  });
});

describe('waitForTargets with a queue', () => {
  it('gives up early once the queue is empty and Datastore stopped moving', async () => {
    const started = Date.now();
    const drainedAt = await waitForTargets(reader(new Map()), [{ key: 'a', version: 1, destroyed: false }], {
      queueDepth: () => Promise.resolve(0),
      settleMs: 50,
      timeoutMs: 5000,
      intervalMs: 10,
    });
    expect(drainedAt).toBeUndefined();
    // Early: well before its 5 s timeout, which is what it would take without the queue's help.
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
