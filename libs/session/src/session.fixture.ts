// Shared by this package's tests (not built, not a test file itself): a recording store, commit
// helpers, and real node:http servers on loopback ports.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { commitSession } from './commit.js';
import { MemoryStore } from './memory-store.js';
import {
  sessionKey,
  type ListOptions,
  type PrincipalSessionPage,
  type SessionRecord,
  type SessionStore,
  type SessionWrite,
  type WriteResult,
} from '@gaesession/core';
import { Session, tokenOf } from './session.js';

export interface RecordingStoreOptions {
  /** The store every call is passed on to. @defaultValue a new MemoryStore */
  inner?: MemoryStore;
  /** How long a write waits before it goes on, ms, as a real store answers later. @defaultValue 0 (at once) */
  writeDelayMs?: number;
}

/** A store that records every write and destroy before passing it to a MemoryStore, and can be told to fail. */
export class RecordingStore implements SessionStore {
  readonly inner: MemoryStore;
  readonly writes: SessionWrite[] = [];
  readonly destroys: { key: string; baseVersion: number | undefined }[] = [];
  /** When set, every load rejects with it. */
  failLoads: Error | undefined;
  /** When set, every write and destroy rejects with it, and nothing is recorded. */
  failWith: Error | undefined;
  readonly #writeDelayMs: number;

  constructor({ inner = new MemoryStore(), writeDelayMs = 0 }: RecordingStoreOptions = {}) {
    this.inner = inner;
    this.#writeDelayMs = writeDelayMs;
  }
  load(key: string): Promise<SessionRecord | undefined> {
    return this.failLoads === undefined ? this.inner.load(key) : Promise.reject(this.failLoads);
  }
  write(write: SessionWrite): Promise<WriteResult> {
    if (this.#writeDelayMs === 0) return this.#write(write);
    return sleep(this.#writeDelayMs).then(() => this.#write(write));
  }
  destroy(key: string, baseVersion?: number): Promise<WriteResult> {
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    this.destroys.push({ key, baseVersion });
    return this.inner.destroy(key, baseVersion);
  }
  listByPrincipal(principal: string, options?: ListOptions): Promise<PrincipalSessionPage> {
    return this.inner.listByPrincipal(principal, options);
  }
  destroyByPrincipal(principal: string, options?: { readonly except?: readonly string[] }): Promise<number> {
    return this.inner.destroyByPrincipal(principal, options);
  }
  #write(write: SessionWrite): Promise<WriteResult> {
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    this.writes.push(write);
    return this.inner.write(write);
  }
}

/** A fresh Session object over what the store holds now, as a new request would load it. */
export async function reload(store: SessionStore, session: Session): Promise<Session> {
  const token = tokenOf(session);
  const record = await store.load(sessionKey(token));
  if (record === undefined) throw new Error('session not in store');
  return Session.fromRecord(token, record);
}

/** A new session of user u1, after `setup`, committed to `store`. */
export async function created(
  store: SessionStore,
  setup: (session: Session) => void = () => undefined,
): Promise<Session> {
  const session = Session.create({ constants: { user: 'u1' } });
  setup(session);
  await commitSession(store, session);
  return session;
}

/** What `promise` rejects with; throws when it fulfils. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const listening = new Set<Server>();

/** Starts `server` on a free loopback port and returns its base URL; `closeServers()` closes it. */
export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  listening.add(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes every server `listen` started, dropping open connections (for `afterEach`). */
export async function closeServers(): Promise<void> {
  const servers = [...listening];
  listening.clear();
  await Promise.all(
    servers.map((server) => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    }),
  );
}

/** `fetch` of a path under `url`, sending `cookie` when given. */
export function requester(url: string): (path: string, cookie?: string) => Promise<Response> {
  return (path, cookie) => fetch(url + path, cookie === undefined ? {} : { headers: { cookie } });
}
