// What one scripted session sent and what the app acknowledged: the expectation the checker
// compares Datastore (and every read) against.
import { acknowledged, type Answer } from './http-client.js';

/** The session as the JSON API describes it (`describeSession` in apps/web/src/api.ts). */
export interface SessionView {
  readonly id: string;
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly version: number;
}

/** One attribute's history. Values are the session's sequence numbers, so every write is unique. */
export interface AttributeLedger {
  /** Values the app acknowledged (2xx), oldest first. */
  readonly acked: number[];
  /** Every value sent, acknowledged or not: an unacknowledged write may still have landed. */
  readonly sent: Set<number>;
}

/** The increment counter's history. */
export interface CounterLedger {
  /** Increments acknowledged. */
  acked: number;
  /** Increments answered with anything else: each may or may not have landed. */
  unacknowledged: number;
  /** The totals acknowledged increments answered, oldest first. */
  readonly answers: number[];
}

/**
 * - `live`: in use.
 * - `logged-out`: a logout was acknowledged; Datastore must hold a tombstone.
 * - `dropped`: the app answered 401 (no session) to a session it had acknowledged: the client
 *   lost it (the app cleared the cookie), though what was acknowledged must still be durable.
 */
export type LedgerState = 'live' | 'logged-out' | 'dropped';

/** The name of the counter every scripted session increments. */
export const COUNTER = 'c';

/** The record of one scripted session. */
export class SessionLedger {
  readonly user: string;
  /** The session key (`id` in the API) of the latest acknowledged answer; undefined before login. */
  key: string | undefined;
  /** Keys left behind by acknowledged regenerates: each must be a tombstone. */
  readonly retiredKeys: string[] = [];
  state: LedgerState = 'live';
  /**
   * A logout or regenerate went unacknowledged: whether the session (still) lives under `key` is
   * unknown, so the checker only compares it when Datastore holds it there.
   */
  uncertain = false;
  /** The newest version acknowledged for `key`. */
  version = 0;
  readonly attributes = new Map<string, AttributeLedger>();
  readonly counter: CounterLedger = { acked: 0, unacknowledged: 0, answers: [] };
  #sequence = 0;

  constructor(user: string) {
    this.user = user;
  }

  /** The next unique value to write. */
  nextValue(): number {
    this.#sequence += 1;
    return this.#sequence;
  }

  recordLogin(answer: Answer): boolean {
    const view = viewOf(answer);
    if (view === undefined) return false;
    this.key = view.id;
    this.version = view.version;
    return true;
  }

  recordSet(name: string, value: number, answer: Answer): boolean {
    const attribute = this.#attribute(name);
    attribute.sent.add(value);
    const view = viewOf(answer);
    if (view === undefined) {
      this.#noteRefusal(answer);
      return false;
    }
    attribute.acked.push(value);
    this.#noteVersion(view.version);
    return true;
  }

  recordIncrement(answer: Answer): boolean {
    const body = answer.body as { value?: unknown; version?: unknown } | undefined;
    if (!acknowledged(answer) || typeof body?.value !== 'number' || typeof body.version !== 'number') {
      this.counter.unacknowledged += 1;
      this.#noteRefusal(answer);
      return false;
    }
    this.counter.acked += 1;
    this.counter.answers.push(body.value);
    this.#noteVersion(body.version);
    return true;
  }

  recordRegenerate(answer: Answer): boolean {
    const view = viewOf(answer);
    if (view === undefined) {
      if (answer.status !== 401) this.uncertain = true;
      this.#noteRefusal(answer);
      return false;
    }
    if (this.key !== undefined && view.id !== this.key) this.retiredKeys.push(this.key);
    this.key = view.id;
    this.version = view.version;
    return true;
  }

  recordLogout(answer: Answer): boolean {
    if (acknowledged(answer)) {
      this.state = 'logged-out';
      return true;
    }
    if (answer.status !== 401) this.uncertain = true;
    this.#noteRefusal(answer);
    return false;
  }

  /** The view a read answered, or undefined (a refusal is recorded as for writes). */
  recordRead(answer: Answer): SessionView | undefined {
    const view = viewOf(answer);
    if (view === undefined) this.#noteRefusal(answer);
    return view;
  }

  #attribute(name: string): AttributeLedger {
    let attribute = this.attributes.get(name);
    if (attribute === undefined) {
      attribute = { acked: [], sent: new Set() };
      this.attributes.set(name, attribute);
    }
    return attribute;
  }

  #noteVersion(version: number): void {
    this.version = Math.max(this.version, version);
  }

  /** A 401 means the app no longer knows the session: the client lost it. */
  #noteRefusal(answer: Answer): void {
    if (answer.status === 401 && this.state === 'live') this.state = 'dropped';
  }
}

/** The session view of an acknowledged answer, or undefined. */
export function viewOf(answer: Answer): SessionView | undefined {
  if (!acknowledged(answer)) return undefined;
  const body = answer.body as Partial<SessionView> | undefined;
  if (typeof body?.id !== 'string' || typeof body.version !== 'number' || typeof body.attrs !== 'object') {
    return undefined;
  }
  return { id: body.id, version: body.version, attrs: body.attrs };
}
