import { nextTick } from 'node:process';
import session, { type SessionData } from 'express-session';
import { createSessionStore, loadConfig } from '@gaesession/config';
import {
  ConfigurationError,
  isSessionError,
  SessionConflictError,
  SessionGoneError,
  sessionKey,
  withDefaults,
  type JsonObject,
  type SessionRecord,
  type SessionStore,
} from '@gaesession/core';
import { commitOps } from '@gaesession/session';
import { BROWSER_SESSION_COOKIE, cookieTimeout, timeoutChanged } from './cookie.js';
import { diffSession, sessionJson } from './diff.js';
import { GAE_SESSION_STORE_DEFAULTS, type GaeSessionStoreOptions } from './options.js';

type Callback<T = void> = (error: unknown, value?: T) => void;
/** What express-session passes to `createSession`: the request, or `{ sessionID, sessionStore }` from `load`. */
type StoreRequest = Parameters<session.Store['createSession']>[0];

/** What one request last read or wrote of its session. */
interface Base {
  /** The session id (token) it belongs to: after a regenerate the request has a new one. */
  readonly sid: string;
  /** The newest record this request knows of: the version its next write builds on. */
  readonly record: SessionRecord;
  /** The data as this request saw it, loaded or saved: what its next save is diffed against. */
  readonly view: JsonObject;
}

/** Calls back on a later tick, so that a throwing callback surfaces as it would from any store. */
function settle<T>(promise: Promise<T>, callback: Callback<T> | undefined): void {
  promise.then(
    (value) => {
      nextTick(() => {
        callback?.(null, value);
      });
    },
    (error: unknown) => {
      nextTick(() => {
        callback?.(error);
      });
    },
  );
}

/** A callback-style call of another store as a promise. */
function promised<T = undefined>(call: (done: (error: unknown, value?: T) => void) => void): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    call((error, value) => {
      if (error === null || error === undefined) resolve(value);
      else reject(error instanceof Error ? error : new Error('the fallback store failed', { cause: error }));
    });
  });
}

/** `store.destroy(sid)` of another express-session store. */
function destroyIn(store: session.Store, sid: string): Promise<unknown> {
  return promised((done) => {
    store.destroy(sid, done);
  });
}

/** express-session's `Session` keeps its request as a non-enumerable `req`; a plain object has none. */
function requestOf(sess: object): object | undefined {
  const req = (sess as { req?: unknown }).req;
  return typeof req === 'object' && req !== null ? req : undefined;
}

/**
 * An express-session `Store` on the gaesession write-behind store:
 * `app.use(session({ store: new GaeSessionStore(), secret, resave: false, saveUninitialized: false }))`.
 * The session id is hashed (`sessionKey`) before it reaches the cache, a queue or Datastore. A save
 * writes only the top-level keys the request changed, as operations re-applied to the newest
 * version on a conflict, so concurrent requests merge; a session a logout destroyed stays destroyed.
 */
export class GaeSessionStore extends session.Store {
  readonly #store: SessionStore;
  readonly #close: (() => Promise<void>) | undefined;
  readonly #options: ReturnType<typeof resolve>;
  readonly #bases = new WeakMap<object, Base>();
  readonly #loaded = new WeakMap<object, SessionRecord>();

  constructor(options: GaeSessionStoreOptions = {}) {
    super();
    const { store, config, ...rest } = options;
    if (store === undefined) {
      const resolvedConfig = config ?? loadConfig();
      const configured = createSessionStore({ config: resolvedConfig });
      this.#store = configured.store;
      this.#close = () => configured.close();
      const { timeoutMs, touchAfter } = resolvedConfig.session;
      this.#options = resolve(rest, { timeout: timeoutMs, touchAfter });
    } else {
      this.#store = store;
      this.#close = undefined;
      this.#options = resolve(rest, {});
    }
  }

  /** The store sessions live in. */
  get sessionStore(): SessionStore {
    return this.#store;
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    settle(this.#get(sid), (error, data) => {
      callback(error, data ?? null);
    });
  }

  override createSession(req: StoreRequest, data: SessionData): session.Session & SessionData {
    const record = this.#loaded.get(data);
    const created = super.createSession(req, data);
    if (record !== undefined) this.#bases.set(req, { sid: req.sessionID, record, view: record.attrs });
    return created;
  }

  override set(sid: string, sess: SessionData, callback?: (err?: unknown) => void): void {
    settle(this.#set(sid, sess), callback);
  }

  override touch(sid: string, sess: SessionData, callback?: (err?: unknown) => void): void {
    settle(this.#touch(sid, sess), callback);
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    settle(this.#destroy(sid), callback);
  }

  /** Closes the cache, queue and Datastore clients of a store built from the configuration (not one you passed). */
  async close(): Promise<void> {
    await this.#close?.();
  }

  async #destroy(sid: string): Promise<void> {
    const { fallback } = this.#options;
    await Promise.all([
      this.#store.destroy(sessionKey(sid)),
      fallback === undefined ? undefined : destroyIn(fallback, sid),
    ]);
  }

  async #get(sid: string): Promise<SessionData | undefined> {
    const record = (await this.#store.load(sessionKey(sid))) ?? (await this.#moveIn(sid));
    if (record === undefined) return undefined;
    // A mutable copy: express-session assigns into it (the record's values are frozen).
    const data = structuredClone(record.attrs) as Record<string, unknown>;
    if (typeof data.cookie !== 'object' || data.cookie === null) data.cookie = { ...BROWSER_SESSION_COOKIE };
    this.#loaded.set(data, record);
    return data as unknown as SessionData;
  }

  /**
   * The session the fallback store holds under `sid`, written here and destroyed there. A session
   * destroyed here is destroyed there too, so nothing comes back from the fallback after a logout.
   */
  async #moveIn(sid: string): Promise<SessionRecord | undefined> {
    const { fallback } = this.#options;
    if (fallback === undefined) return undefined;
    const old = await promised<SessionData | null>((done) => {
      fallback.get(sid, done);
    });
    if (old === null || old === undefined) return undefined;
    let record: SessionRecord | undefined;
    try {
      record = await this.#create(sid, sessionJson(old));
    } catch (error) {
      // Ended here already: it stays ended, and goes there too.
      if (!isSessionError(error, 'SESSION_GONE')) throw error;
    }
    await destroyIn(fallback, sid);
    return record;
  }

  async #set(sid: string, sess: SessionData): Promise<void> {
    const data = sessionJson(sess);
    const req = requestOf(sess);
    const base = req === undefined ? undefined : this.#bases.get(req);
    const saved = base?.sid === sid ? await this.#update(base, data) : await this.#create(sid, data);
    if (saved !== undefined && req !== undefined) this.#bases.set(req, { sid, record: saved, view: data });
  }

  /** The request's changes since it loaded (or last saved) the session, on top of the newest version. */
  async #update(base: Base, data: JsonObject): Promise<SessionRecord | undefined> {
    const { mergeCounters, maxWriteAttempts, now } = this.#options;
    const ops = diffSession(base.view, data, mergeCounters);
    try {
      let record = base.record;
      if (ops.length > 0) record = await commitOps(this.#store, record, ops, { maxWriteAttempts, now });
      const timeout = this.#timeoutOf(data.cookie);
      return timeoutChanged(record.timeout, timeout) ? await this.#retime(record, timeout) : record;
    } catch (error) {
      if (!isSessionError(error, 'SESSION_GONE')) throw error;
      this.#gone(base.record.key);
      return undefined;
    }
  }

  /** A session this process has not loaded: new (express-session generated the id), or saved by hand. */
  async #create(sid: string, data: JsonObject): Promise<SessionRecord | undefined> {
    const key = sessionKey(sid);
    const now = this.#options.now();
    const timeout = this.#timeoutOf(data.cookie);
    const record: SessionRecord = { key, version: 1, created: now, accessed: now, timeout, constants: {}, attrs: data };
    const result = await this.#store.write({
      kind: 'create',
      baseVersion: 0,
      record,
      ops: diffSession({}, data, false),
    });
    if (result.ok) return result.record ?? record;
    if (result.current === undefined) {
      this.#gone(key);
      return undefined;
    }
    // The id is taken (`store.set()` called by hand): its stored data is changed key by key.
    return this.#update({ sid, record: result.current, view: result.current.attrs }, data);
  }

  async #touch(sid: string, sess: SessionData): Promise<void> {
    const req = requestOf(sess);
    const base = req === undefined ? undefined : this.#bases.get(req);
    if (req === undefined || base?.sid !== sid) return;
    const { record } = base;
    const now = this.#options.now();
    const timeout = this.#timeoutOf(sessionJson({ cookie: sess.cookie }).cookie);
    if (timeoutChanged(record.timeout, timeout)) {
      const written = await this.#retime(record, timeout).catch((error: unknown) => {
        if (isSessionError(error, 'SESSION_GONE')) return undefined;
        throw error;
      });
      if (written !== undefined) this.#bases.set(req, { ...base, record: written });
      return;
    }
    if (now - record.accessed < record.timeout * this.#options.touchAfter) return;
    const next: SessionRecord = { ...record, version: record.version + 1, accessed: now };
    const result = await this.#store.write({ kind: 'touch', baseVersion: record.version, record: next, ops: [] });
    // Losing a touch is fine: whoever won wrote a newer access time, or ended the session.
    if (result.ok) this.#bases.set(req, { ...base, record: result.record ?? next });
  }

  /** Moves the session's timeout (its cookie's maxAge changed): a touch carrying it, re-read on conflict. */
  async #retime(from: SessionRecord, timeout: number): Promise<SessionRecord> {
    const { maxWriteAttempts, now } = this.#options;
    let current: SessionRecord | undefined = from;
    for (let attempt = 1; attempt <= maxWriteAttempts; attempt++) {
      if (current === undefined) throw new SessionGoneError(from.key);
      const record: SessionRecord = {
        ...current,
        version: current.version + 1,
        accessed: Math.max(now(), current.accessed),
        timeout,
      };
      const result = await this.#store.write({ kind: 'touch', baseVersion: current.version, record, ops: [] });
      if (result.ok) return result.record ?? record;
      current = result.current;
    }
    throw new SessionConflictError(from.key, maxWriteAttempts);
  }

  /** A save found its session destroyed or expired: throws, or lets the changes go (`onSaveAfterDestroy`). */
  #gone(key: string): void {
    if (this.#options.onSaveAfterDestroy === 'error') throw new SessionGoneError(key);
  }

  #timeoutOf(cookie: JsonObject[string] | undefined): number {
    return cookieTimeout(cookie, this.#options.touchAfter) ?? this.#options.timeout;
  }
}

function resolve(
  options: Omit<GaeSessionStoreOptions, 'store' | 'config'>,
  fromConfig: { timeout?: number; touchAfter?: number },
) {
  const resolved = withDefaults({ ...GAE_SESSION_STORE_DEFAULTS, ...fromConfig }, options);
  if (!(resolved.touchAfter >= 0 && resolved.touchAfter < 1)) {
    throw new ConfigurationError(`touchAfter must be at least 0 and below 1, not ${resolved.touchAfter}`);
  }
  if (!(resolved.timeout >= 1000))
    throw new ConfigurationError(`timeout must be at least 1000 ms, not ${resolved.timeout}`);
  return resolved;
}
