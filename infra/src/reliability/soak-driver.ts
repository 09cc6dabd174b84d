// The soak's load: a steady request rate over thousands of sessions, with a mix of reads, writes,
// increments, regenerates and logouts. Every answer is recorded; every read is checked against
// what was acknowledged before it.
import { addFindings, noFindings, type Findings } from './judge.js';
import type { SessionLedger } from './ledger.js';
import { ScriptedSession, type ApiTarget } from './scripted-session.js';
import { Tally } from './tally.js';

/** Relative weights of the operations. */
export interface SoakMix {
  readonly read: number;
  readonly set: number;
  readonly increment: number;
  readonly regenerate: number;
  readonly logout: number;
}

export const DEFAULT_MIX: SoakMix = { read: 35, set: 25, increment: 25, regenerate: 7.5, logout: 7.5 };

export interface SoakDriverOptions {
  /** `http://127.0.0.1:<port>` of the web app. */
  readonly baseUrl: string;
  /** Sessions in use at any time (a logged-out one is replaced by a new login). */
  readonly sessions: number;
  /** Requests per second. */
  readonly rate: number;
  /** @defaultValue {@link DEFAULT_MIX} */
  readonly mix?: SoakMix;
  /** A request without an answer after this long counts as `timeout`, in ms. @defaultValue 15000 */
  readonly timeoutMs?: number;
  /** Most requests in flight; beyond, due requests are skipped (and counted). @defaultValue 256 */
  readonly maxInFlight?: number;
}

type Operation = keyof SoakMix;

interface Slot {
  session: ScriptedSession;
  loggedIn: boolean;
  busy: boolean;
}

/** Picks an operation by weight; `random` in [0, 1). */
export function pickOperation(mix: SoakMix, random: number): Operation {
  const entries = Object.entries(mix) as [Operation, number][];
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  let left = random * total;
  for (const [operation, weight] of entries) {
    left -= weight;
    if (left < 0) return operation;
  }
  return entries[entries.length - 1]?.[0] ?? 'read';
}

/** Open-loop load at a fixed rate: requests go out on schedule, whether or not earlier ones answered. */
export class SoakDriver {
  readonly tally = new Tally();
  /** Every session's ledger, logged-out and dropped ones included. */
  readonly ledgers: SessionLedger[] = [];
  /** What reads showed older than what had been acknowledged (must stay 0). */
  readonly staleReads: Findings = noFindings();
  /** Requests due while `maxInFlight` were in flight: not sent. */
  skipped = 0;
  readonly #options: SoakDriverOptions;
  readonly #api: ApiTarget;
  readonly #slots: Slot[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #users = 0;

  constructor(options: SoakDriverOptions) {
    this.#options = options;
    this.#api = { baseUrl: options.baseUrl, timeoutMs: options.timeoutMs ?? 15_000, tally: this.tally };
    for (let i = 0; i < options.sessions; i++) this.#slots.push(this.#newSlot());
  }

  /** Logs every session in, `concurrency` at a time (before the steady rate starts). */
  async loginAll(concurrency = 16): Promise<void> {
    let next = 0;
    const lane = async () => {
      while (next < this.#slots.length) {
        const slot = this.#slots[next++] as Slot;
        slot.loggedIn = await slot.session.login();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
  }

  /** Starts sending `rate` requests per second. */
  start(): void {
    const started = Date.now();
    let sent = 0;
    this.#timer = setInterval(() => {
      const due = Math.floor(((Date.now() - started) * this.#options.rate) / 1000) - sent;
      for (let i = 0; i < due; i++) {
        sent += 1;
        if (this.#inFlight.size >= (this.#options.maxInFlight ?? 256)) this.skipped += 1;
        else this.#dispatch();
      }
    }, 5);
  }

  /** Stops sending; resolves once every request in flight has its answer. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await Promise.all([...this.#inFlight]);
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  #dispatch(): void {
    // An idle session at random; with thousands of sessions one is found at once.
    for (let attempt = 0; attempt < 16; attempt++) {
      const slot = this.#slots[Math.floor(Math.random() * this.#slots.length)] as Slot;
      if (slot.busy) continue;
      slot.busy = true;
      const running = this.#run(slot).finally(() => {
        slot.busy = false;
        this.#inFlight.delete(running);
      });
      this.#inFlight.add(running);
      return;
    }
    this.skipped += 1;
  }

  async #run(slot: Slot): Promise<void> {
    const { session } = slot;
    if (!slot.loggedIn) {
      slot.loggedIn = await session.login();
      return;
    }
    switch (pickOperation(this.#options.mix ?? DEFAULT_MIX, Math.random())) {
      case 'read': {
        const findings = await session.read();
        if (findings !== undefined) addFindings(this.staleReads, findings);
        break;
      }
      case 'set':
        await session.set();
        break;
      case 'increment':
        await session.increment();
        break;
      case 'regenerate':
        await session.regenerate();
        break;
      case 'logout':
        await session.logout();
        break;
    }
    // A session logged out, dropped or of uncertain fate is done: a new user takes the slot.
    if (session.ledger.state !== 'live' || session.ledger.uncertain)
      Object.assign(slot, this.#newSlot(), { busy: true });
  }

  #newSlot(): Slot {
    const session = new ScriptedSession(this.#api, `soak-${this.#users++}`, 4);
    this.ledgers.push(session.ledger);
    return { session, loggedIn: false, busy: false };
  }
}
