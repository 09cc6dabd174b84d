import {
  DEFAULT_TIMEOUT_MS,
  applyOps,
  checkedSum,
  expiresAt,
  freezeJson,
  InvalidOperationError,
  InvalidValueError,
  type JsonObject,
  type JsonValue,
  newToken,
  principalProblem,
  type Op,
  sessionKey,
  type SessionRecord,
  toJsonValue,
} from '@gaesession/core';

export interface NewSessionOptions {
  /** Idle timeout in ms. @defaultValue 30 minutes */
  timeout?: number;
  /**
   * The user the session belongs to (a user id: application data, not a secret), so that the app
   * can list the user's sessions and end them all (`SessionManager.listSessions`). Kept across
   * regenerate. At most 256 characters. @defaultValue none
   */
  principal?: string;
  /** Attributes fixed for the session's lifetime, such as a device label. Must be JSON values. */
  constants?: Record<string, unknown>;
  /** Creation time in ms since the epoch. @defaultValue `Date.now()` */
  now?: number;
}

/** What a request did to its session, for the store to persist. */
export type SessionLifecycle = 'new' | 'loaded' | 'regenerated' | 'destroyed';

const tokens = new WeakMap<Session, string>();

/**
 * One session as a request sees it: the stored record plus the operations this request made
 * (the op log). Values are JSON values, validated at `set` and frozen, so an in-place edit of
 * a stored object throws instead of being silently lost.
 */
export class Session {
  #base: SessionRecord;
  #attrs: JsonObject;
  #ops: Op[] = [];
  #lifecycle: SessionLifecycle;
  #previousKey: string | undefined;

  private constructor(token: string, base: SessionRecord, lifecycle: SessionLifecycle) {
    tokens.set(this, token);
    this.#base = frozenRecord(base);
    this.#attrs = this.#base.attrs;
    this.#lifecycle = lifecycle;
  }

  /** A brand-new session with a fresh random token. */
  static create(options: NewSessionOptions = {}): Session {
    const now = options.now ?? Date.now();
    const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isSafeInteger(timeout) || timeout <= 0) {
      throw new InvalidValueError(`timeout must be a positive integer of ms, got ${timeout}`);
    }
    const constants = toJsonValue(options.constants ?? {}, 'constants');
    if (typeof constants !== 'object' || constants === null || Array.isArray(constants)) {
      throw new InvalidValueError('constants must be a plain object');
    }
    const { principal } = options;
    if (principal !== undefined) {
      const problem = principalProblem(principal);
      if (problem !== undefined) throw new InvalidValueError(`principal ${problem}`);
    }
    const token = newToken();
    const record: SessionRecord = {
      key: sessionKey(token),
      version: 0,
      created: now,
      accessed: now,
      timeout,
      ...(principal === undefined ? {} : { principal }),
      constants: constants as JsonObject,
      attrs: {},
    };
    return new Session(token, record, 'new');
  }

  /** A session loaded from a store for the request that presented `token`. */
  static fromRecord(token: string, record: SessionRecord): Session {
    return new Session(token, record, 'loaded');
  }

  /** Hash of the token: the session's identifier everywhere outside the cookie. */
  get key(): string {
    return this.#base.key;
  }
  /** The stored version this request started from (0 for a new session). */
  get version(): number {
    return this.#base.version;
  }
  get created(): number {
    return this.#base.created;
  }
  get accessed(): number {
    return this.#base.accessed;
  }
  get timeout(): number {
    return this.#base.timeout;
  }
  get expiresAt(): number {
    return expiresAt(this.#base);
  }
  /** True until the session has been saved for the first time. */
  get isNew(): boolean {
    return this.#lifecycle === 'new';
  }
  get lifecycle(): SessionLifecycle {
    return this.#lifecycle;
  }
  /** True when this request changed attributes, or created, regenerated or destroyed it. */
  get changed(): boolean {
    return this.#ops.length > 0 || this.#lifecycle !== 'loaded';
  }
  /** This request's operations, in order. */
  get ops(): readonly Op[] {
    return this.#ops;
  }
  /** The key this session had before {@link regenerate}, which commit destroys. */
  get previousKey(): string | undefined {
    return this.#previousKey;
  }
  /** The user the session belongs to, when it was created with one. */
  get principal(): string | undefined {
    return this.#base.principal;
  }
  get constants(): JsonObject {
    return this.#base.constants;
  }

  /** A constant's value (deep-frozen), or undefined when there is none. */
  constant(name: string): JsonValue | undefined {
    return ownValue(this.#base.constants, name);
  }

  /** An attribute's value (deep-frozen: edit a copy and `set` it), or undefined when there is none. */
  get(name: string): JsonValue | undefined {
    return ownValue(this.#attrs, name);
  }

  has(name: string): boolean {
    return Object.hasOwn(this.#attrs, name);
  }

  keys(): string[] {
    return Object.keys(this.#attrs);
  }

  /** Sets an attribute. Refuses values JSON cannot hold, at once, with an InvalidValueError. */
  set(name: string, value: unknown): this {
    this.#assertLive();
    const json = toJsonValue(value, checkName(name));
    if (this.has(name) && jsonEqual(this.#attrs[name], json)) return this;
    return this.#record({ op: 'set', name, value: json });
  }

  /** Removes an attribute; false when there was none (and then nothing is recorded). */
  delete(name: string): boolean {
    this.#assertLive();
    if (!this.has(name)) return false;
    this.#record({ op: 'delete', name });
    return true;
  }

  /**
   * Adds `by` to a numeric attribute (missing counts as 0) and returns the new value. Concurrent
   * increments on one session all count: the store re-applies them on a write conflict.
   */
  increment(name: string, by = 1): number {
    this.#assertLive();
    checkName(name);
    if (typeof by !== 'number' || !Number.isFinite(by)) {
      throw new InvalidValueError(`increment of "${name}" must be a finite number`);
    }
    const current = ownValue(this.#attrs, name);
    if (current !== undefined && typeof current !== 'number') {
      throw new InvalidOperationError(`cannot increment "${name}": it holds ${describe(current)}`);
    }
    checkedSum(current ?? 0, by, name);
    this.#record({ op: 'incr', name, by });
    return this.#attrs[name] as number;
  }

  /**
   * Gives the session a new token (and so a new key) while keeping its data; commit saves it
   * under the new key and destroys the old one. Call it at login to defeat session fixation.
   */
  regenerate(): void {
    this.#assertLive();
    const token = newToken();
    tokens.set(this, token);
    if (this.#lifecycle !== 'new') {
      this.#previousKey ??= this.#base.key;
      this.#lifecycle = 'regenerated';
    }
    this.#base = { ...this.#base, key: sessionKey(token) };
  }

  /** Ends the session: commit writes a durable tombstone and clears the cookie. */
  destroy(): void {
    this.#lifecycle = 'destroyed';
  }

  /** The stored record this request started from (before its own ops), under the current key. */
  get base(): SessionRecord {
    return this.#base;
  }

  /** The state this request would write: the base record with this request's ops applied. */
  snapshot(): SessionRecord {
    return { ...this.#base, attrs: this.#attrs };
  }

  /** Called by the store after a successful write: the saved record becomes the new base. */
  markSaved(record: SessionRecord): void {
    this.#base = frozenRecord(record);
    this.#attrs = this.#base.attrs;
    this.#ops = [];
    if (this.#lifecycle !== 'destroyed') this.#lifecycle = 'loaded';
    this.#previousKey = undefined;
  }

  /** Called by commit once the tombstone is written: nothing is stored any more (version 0). */
  markDestroyed(): void {
    this.#lifecycle = 'destroyed';
    this.#base = frozenRecord({ ...this.#base, version: 0 });
    this.#ops = [];
    this.#previousKey = undefined;
  }

  toJSON(): object {
    return { key: this.key, version: this.version, constants: this.constants, attrs: this.#attrs };
  }

  #record(op: Op): this {
    this.#assertLive();
    this.#attrs = applyOps(this.#attrs, [op]);
    this.#ops.push(op);
    return this;
  }

  #assertLive(): void {
    if (this.#lifecycle === 'destroyed') throw new InvalidOperationError('the session has been destroyed');
  }
}

/** The token behind a session: only the cookie layer may read it. Not exported from the package. */
export function tokenOf(session: Session): string {
  const token = tokens.get(session);
  if (token === undefined) throw new Error('session has no token');
  return token;
}

function checkName(name: string): string {
  // The typeof guard is for JavaScript callers; TypeScript already insists on a string.
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidValueError('attribute names must be non-empty strings');
  }
  return name;
}

/** The own property `name`: never something inherited such as `constructor` or `__proto__`. */
function ownValue(object: JsonObject, name: string): JsonValue | undefined {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}

function describe(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** The record, frozen all the way down, so no caller can edit the state a write starts from. */
function frozenRecord(record: SessionRecord): SessionRecord {
  return Object.freeze({ ...record, constants: freezeJson(record.constants), attrs: freezeJson(record.attrs) });
}

function jsonEqual(a: JsonValue | undefined, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  if (ak.length !== bk.length) return false;
  const ar = a as Record<string, JsonValue>;
  const br = b as Record<string, JsonValue>;
  return ak.every((k) => Object.hasOwn(br, k) && jsonEqual(ar[k], br[k] as JsonValue));
}
