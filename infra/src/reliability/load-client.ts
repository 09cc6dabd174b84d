// The scripted load of the fault scenarios: N sessions, each written sequentially with known
// values, every acknowledged write recorded.
import { setTimeout as sleep } from 'node:timers/promises';
import type { SessionLedger } from './ledger.js';
import { ScriptedSession } from './scripted-session.js';
import { Tally } from './tally.js';

export interface LoadOptions {
  /** `http://127.0.0.1:<port>` of the web app. */
  readonly baseUrl: string;
  /** Sessions written at the same time (one lane each). */
  readonly sessions: number;
  /**
   * Groups the lanes fall into (lane i is in group i % groups), so that groups can be stopped at
   * different moments. @defaultValue 1
   */
  readonly groups?: number;
  /** Pause between two requests of one lane, in ms. @defaultValue 100 */
  readonly pauseMs?: number;
  /** Attributes each session spreads its writes over (k0, k1...). @defaultValue 4 */
  readonly attributes?: number;
  /** A request without an answer after this long counts as `timeout`, in ms. @defaultValue 15000 */
  readonly timeoutMs?: number;
  /** Prefix of the user names. @defaultValue 'load' */
  readonly label?: string;
}

interface Lane {
  readonly group: number;
  stopping: boolean;
  done: Promise<void>;
}

/**
 * Runs one lane per session: log in (again, until acknowledged), then write (an attribute, then
 * the counter, alternately) until stopped. A lane whose session the app drops (401) logs in to
 * a new one; the dropped session's ledger stays, because what was acknowledged must still be
 * durable.
 */
export class LoadClient {
  readonly tally = new Tally();
  readonly #ledgers: SessionLedger[] = [];
  readonly #options: LoadOptions;
  readonly #lanes: Lane[] = [];

  constructor(options: LoadOptions) {
    this.#options = options;
  }

  /** Every session's ledger, dropped ones included. */
  get ledgers(): readonly SessionLedger[] {
    return this.#ledgers;
  }

  /** Starts the lanes; resolves once every lane's first login was acknowledged. */
  async start(): Promise<void> {
    if (this.#lanes.length > 0) throw new Error('the load is already running');
    const groups = this.#options.groups ?? 1;
    const label = this.#options.label ?? 'load';
    await Promise.all(Array.from({ length: this.#options.sessions }, (_, i) => this.#addLane(label, i, i % groups)));
  }

  /**
   * Starts `count` more lanes in `group`, their users named `<label>-<n>-...`; resolves once each
   * one's first login was acknowledged.
   */
  async addLanes(count: number, group: number, label: string): Promise<void> {
    await Promise.all(Array.from({ length: count }, (_, i) => this.#addLane(label, i, group)));
  }

  #addLane(label: string, index: number, group: number): Promise<void> {
    const lane: Lane = { group, stopping: false, done: Promise.resolve() };
    let ready!: () => void;
    const loggedIn = new Promise<void>((resolve) => (ready = resolve));
    lane.done = this.#runLane(`${label}-${index}`, lane, ready);
    this.#lanes.push(lane);
    return loggedIn;
  }

  /** Stops the lanes of `group`; resolves once their requests in flight have their answers. */
  async stopGroup(group: number): Promise<void> {
    await this.#stop(this.#lanes.filter((lane) => lane.group === group));
  }

  /** Stops every lane; resolves once every request in flight has its answer. */
  async stop(): Promise<void> {
    await this.#stop(this.#lanes);
  }

  async #stop(lanes: readonly Lane[]): Promise<void> {
    for (const lane of lanes) lane.stopping = true;
    await Promise.all(lanes.map((lane) => lane.done));
  }

  async #runLane(name: string, lane: Lane, ready: () => void): Promise<void> {
    const api = { baseUrl: this.#options.baseUrl, timeoutMs: this.#options.timeoutMs ?? 15_000, tally: this.tally };
    const running = () => !lane.stopping;
    for (let generation = 0; running(); generation++) {
      const user = `${name}-${generation}`;
      const session = new ScriptedSession(api, user, this.#options.attributes ?? 4);
      this.#ledgers.push(session.ledger);
      while (running() && !(await session.login())) await this.#pause();
      ready();
      while (running() && session.ledger.state === 'live') {
        await session.write();
        await this.#pause();
      }
    }
    ready();
  }

  #pause(): Promise<void> {
    return sleep(this.#options.pauseMs ?? 100);
  }
}
