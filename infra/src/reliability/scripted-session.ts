// One scripted user of the demo app's JSON API: sends known values, records every answer.
import { CookieJar, send, type Answer } from './http-client.js';
import { judgeState, type Findings } from './judge.js';
import { COUNTER, SessionLedger } from './ledger.js';
import type { Tally } from './tally.js';

/** Where the requests go, and where their answers are counted. */
export interface ApiTarget {
  /** `http://127.0.0.1:<port>` of the web app. */
  readonly baseUrl: string;
  /** A request without an answer after this long counts as `timeout`, in ms. */
  readonly timeoutMs: number;
  readonly tally: Tally;
}

/**
 * A browser-like client of one session. Every write sends a value never sent before (the
 * session's next sequence number), so the checker can tell each write apart.
 */
export class ScriptedSession {
  readonly ledger: SessionLedger;
  readonly #api: ApiTarget;
  readonly #attributes: number;
  readonly #jar = new CookieJar();

  /** `attributes`: how many attributes (k0, k1...) the writes spread over. */
  constructor(api: ApiTarget, user: string, attributes: number) {
    this.#api = api;
    this.ledger = new SessionLedger(user);
    this.#attributes = attributes;
  }

  /** POST /api/login; true when acknowledged. */
  async login(): Promise<boolean> {
    return this.ledger.recordLogin(await this.#send('POST', '/api/login', { user: this.ledger.user }));
  }

  /** A write: odd values set an attribute, even ones increment the counter. */
  async write(): Promise<boolean> {
    const value = this.ledger.nextValue();
    return value % 2 === 0 ? this.increment() : this.#set(value);
  }

  /** PUT /api/attrs/k<i> with the session's next value. */
  set(): Promise<boolean> {
    return this.#set(this.ledger.nextValue());
  }

  /** POST /api/incr/c */
  async increment(): Promise<boolean> {
    return this.ledger.recordIncrement(await this.#send('POST', `/api/incr/${COUNTER}`, {}));
  }

  async #set(value: number): Promise<boolean> {
    const name = `k${Math.floor(value / 2) % this.#attributes}`;
    return this.ledger.recordSet(name, value, await this.#send('PUT', `/api/attrs/${name}`, { value }));
  }

  /** GET /api/session; what the answer shows older than acknowledged, or undefined without one. */
  async read(): Promise<Findings | undefined> {
    const view = this.ledger.recordRead(await this.#send('GET', '/api/session'));
    return view === undefined ? undefined : judgeState(this.ledger, view, 'read');
  }

  /** POST /api/regenerate: a new key with the same data. */
  async regenerate(): Promise<boolean> {
    return this.ledger.recordRegenerate(await this.#send('POST', '/api/regenerate', {}));
  }

  /** POST /api/logout */
  async logout(): Promise<boolean> {
    return this.ledger.recordLogout(await this.#send('POST', '/api/logout'));
  }

  async #send(method: string, path: string, body?: unknown): Promise<Answer> {
    const answer = await send(this.#api.baseUrl, this.#jar, { method, path, body, timeoutMs: this.#api.timeoutMs });
    this.#api.tally.record(answer);
    return answer;
  }
}
