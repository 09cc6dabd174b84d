import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { messageOf, type Logger } from '@gaesession/core';

/** One dependency of a service, and how to see whether it answers. */
export interface DependencyCheck {
  /** `cache`, `queue` or `datastore`. */
  readonly name: string;
  /** Where it is, as the configuration names it (never a password). */
  readonly target: string;
  readonly check: () => Promise<unknown>;
}

/** What a check found. */
export interface DependencyState {
  readonly name: string;
  readonly target: string;
  readonly ok: boolean;
  /** Why not, in one line, when not ok. */
  readonly problem?: string;
}

/** How long one check may take, ms. */
const CHECK_TIMEOUT_MS = 2000;
/** How long a result stands before the next readiness request checks again, ms. */
const CACHE_MS = 5000;

/** Runs every check at once, each bounded by 2 s; never rejects. */
export async function checkDependencies(checks: readonly DependencyCheck[]): Promise<DependencyState[]> {
  return Promise.all(
    checks.map(async ({ name, target, check }): Promise<DependencyState> => {
      const timeout = sleep(CHECK_TIMEOUT_MS, 'timeout' as const);
      try {
        const outcome = await Promise.race([check().then(() => 'ok' as const), timeout]);
        return outcome === 'ok'
          ? { name, target, ok: true }
          : { name, target, ok: false, problem: `no answer within ${CHECK_TIMEOUT_MS} ms` };
      } catch (error) {
        return { name, target, ok: false, problem: messageOf(error).split('\n', 1)[0] ?? 'failed' };
      }
    }),
  );
}

/**
 * A service's readiness: `states()` checks its dependencies (at most every 5 s; callers in between
 * get the last result), `last` is the newest result without checking. `logProblems` writes one
 * line per dependency that does not answer: what the service says at startup.
 */
export class Readiness {
  readonly #checks: readonly DependencyCheck[];
  #last: DependencyState[] = [];
  #checked: Promise<DependencyState[]> | undefined;
  #checkedAt = 0;

  constructor(checks: readonly DependencyCheck[]) {
    this.#checks = checks;
  }

  get last(): readonly DependencyState[] {
    return this.#last;
  }

  states(): Promise<DependencyState[]> {
    if (this.#checked === undefined || Date.now() - this.#checkedAt > CACHE_MS) {
      this.#checkedAt = Date.now();
      this.#checked = checkDependencies(this.#checks).then((states) => (this.#last = states));
    }
    return this.#checked;
  }

  async logProblems(logger: Logger): Promise<DependencyState[]> {
    const states = await this.states();
    for (const state of states) {
      if (!state.ok) {
        logger.error(`${state.name} at ${state.target} does not answer: ${state.problem ?? 'unknown'}`, {
          dependency: state.name,
        });
      }
    }
    return states;
  }
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The platform endpoints of a service: `/healthz` answers 200 while the process serves (503 once it
 * is stopping), with the last known state of each dependency; `/readyz` checks them (at most every
 * 5 s) and answers 200 when every one answers, 503 otherwise, naming what does not.
 */
export function healthHandlers(
  readiness: Readiness,
  serving: () => boolean = () => true,
): {
  healthz: Handler;
  readyz: Handler;
} {
  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  return {
    healthz: (_req, res) => {
      const ok = serving();
      answer(res, ok ? 200 : 503, { ok, dependencies: readiness.last });
    },
    readyz: (_req, res) => {
      void readiness.states().then((dependencies) => {
        const ready = serving() && dependencies.every((state) => state.ok);
        answer(res, ready ? 200 : 503, { ready, dependencies });
      });
    },
  };
}
