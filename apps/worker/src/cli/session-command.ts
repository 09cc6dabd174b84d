import { isExpired, isWellFormedToken, messageOf, sessionKey, type SessionRecord } from '@gaesession/core';
import type { PendingEvent } from '@gaesession/queue';
import { parseCli, refusal, UsageError } from './args.js';
import type { AdminContext } from './admin-context.js';
import { EXIT, type CliOutput } from './context.js';
import { formatDuration } from './progress.js';

export const SESSION_USAGE = `usage: session <key> | session --token <token> [flags]
  One session as each layer holds it: the cache's version and expiry, Datastore's, a tombstone
  if it was destroyed, and the events still queued for it (BullMQ; Cloud Tasks cannot tell).
  <key> is the session key (SHA-256 of the token, base64url, as logs and Datastore show it);
  --token takes the cookie's token (or the whole cookie value) and hashes it: the token is
  never printed. "--token -" reads it from stdin, out of the shell's history.
  It reads the cache as the web app does: run it with the web app's cache variables.
flags:
  --token <token>  the session token, or the session cookie's value
  --json           print the report as JSON on stdout (shape: apps/worker/README.md)
  -h, --help       show this text
exit codes: 0 found, 1 found nowhere or a layer could not be read, 2 usage`;

const FLAGS = { token: { type: 'string', value: 'token' }, json: { type: 'boolean' } } as const;

const KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** A cookie value: the token, then its signature (`.`) and/or the version hint (`~`). */
const COOKIE_TOKEN = /^([A-Za-z0-9_-]{43})(?:[.~]|$)/;

/** A layer's copy of the session, as `session --json` prints it. */
export type LayerState =
  | {
      readonly state: 'live' | 'expired';
      readonly version: number;
      readonly accessedAt: string;
      readonly expiresAt: string;
      readonly principal: string | null;
    }
  | { readonly state: 'tombstone'; readonly expiresAt: string | null }
  | { readonly state: 'missing' | 'unreadable' }
  | { readonly state: 'error'; readonly error: string };

export type PendingState =
  | { readonly known: true; readonly events: readonly PendingEventJson[] }
  | { readonly known: false; readonly reason: string };

interface PendingEventJson {
  readonly id: string;
  readonly version: number;
  readonly state: string;
  readonly attempts: number;
  readonly enqueuedAt: string;
  readonly lastError: string | null;
}

/** `session --json`. */
export interface SessionReport {
  readonly key: string;
  readonly cache: LayerState;
  readonly datastore: LayerState;
  /** Cache version minus Datastore version, when both hold the session: events not yet applied. */
  readonly behind: number | null;
  readonly pending: PendingState;
  /** The verdict, in words. */
  readonly summary: string;
}

/** The token out of a bare token or a cookie value; undefined when it holds none. */
export function tokenOf(value: string): string | undefined {
  const trimmed = value.trim();
  if (isWellFormedToken(trimmed)) return trimmed;
  return COOKIE_TOKEN.exec(trimmed)?.[1];
}

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/**
 * `--token X` as `--token=X`: a token may start with "-", which parseArgs would refuse as a
 * missing value, quoting it in the error.
 */
function inlineTokens(argv: readonly string[]): string[] {
  const result: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') return [...result, ...argv.slice(i)];
    const next = argv[i + 1];
    if (arg === '--token' && next !== undefined) {
      result.push(`--token=${next}`);
      i++;
    } else result.push(arg);
  }
  return result;
}

/** The key to inspect; throws UsageError (never quoting a token). */
async function keyFrom(positionals: readonly string[], token: string | undefined): Promise<string> {
  if (token !== undefined) {
    if (positionals.length > 0) throw new UsageError('give a <key> or --token, not both');
    const value = token === '-' ? await readStdinLine() : token;
    const found = tokenOf(value);
    // The value is a secret: described, never repeated.
    if (found === undefined)
      throw new UsageError(
        '--token: expected a session token (43 characters of base64url) or the cookie value that starts with one',
      );
    return sessionKey(found);
  }
  const [key, extra] = positionals;
  if (key === undefined) throw new UsageError('session needs <key> or --token <token>');
  if (extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)} after session <key>`);
  if (!KEY_PATTERN.test(key))
    throw new UsageError(`<key> ${JSON.stringify(key)}: expected a session key (43 characters of base64url)`);
  return key;
}

export async function runSessionCommand(
  argv: readonly string[],
  context: Pick<AdminContext, 'config' | 'datastore' | 'repository' | 'cache' | 'queue'>,
  output: CliOutput,
): Promise<number> {
  let key;
  let json;
  try {
    const { values, positionals, help } = parseCli(inlineTokens(argv), FLAGS, { positionals: true });
    if (help) {
      output.out(SESSION_USAGE);
      return EXIT.ok;
    }
    key = await keyFrom(positionals, values.token);
    json = values.json;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.err(refusal('session', FLAGS, error));
    return EXIT.usage;
  }
  const report = await inspectSession(key, context);
  if (json) output.out(JSON.stringify(report, null, 2));
  else for (const line of describe(report)) output.out(line);
  const failed = [report.cache, report.datastore].some((layer) => layer.state === 'error');
  const nowhere = [report.cache, report.datastore].every((layer) => layer.state === 'missing');
  return failed || nowhere ? EXIT.failed : EXIT.ok;
}

function live(record: SessionRecord, now: number): LayerState {
  return {
    state: isExpired(record, now) ? 'expired' : 'live',
    version: record.version,
    accessedAt: new Date(record.accessed).toISOString(),
    expiresAt: new Date(record.accessed + record.timeout).toISOString(),
    principal: record.principal ?? null,
  };
}

async function cacheState(key: string, context: Pick<AdminContext, 'cache'>, now: number): Promise<LayerState> {
  const cached = await context.cache.get(key);
  if (cached === undefined) return { state: 'missing' };
  if (cached.entry === undefined) return { state: 'unreadable' };
  if ('tombstone' in cached.entry) return { state: 'tombstone', expiresAt: null };
  return live(cached.entry.record, now);
}

async function datastoreState(
  key: string,
  context: Pick<AdminContext, 'config' | 'datastore' | 'repository'>,
  now: number,
): Promise<LayerState> {
  const stored = await context.repository.inspect(key);
  if (stored.state === 'missing') return { state: 'missing' };
  if (stored.state === 'stored') return live(stored.record, now);
  // A tombstone's expiry (when the purge may remove it) is on the entity only.
  const { namespace, kind } = context.config.datastore;
  const [entity] = (await context.datastore.get(
    context.datastore.key(namespace === undefined ? { path: [kind, key] } : { namespace, path: [kind, key] }),
  )) as [Record<string, unknown> | undefined];
  const expiresAt = entity?.expiresAt;
  return { state: 'tombstone', expiresAt: expiresAt instanceof Date ? expiresAt.toISOString() : null };
}

const CANNOT_TELL =
  'Cloud Tasks cannot tell: a task holds several sessions’ events under a hashed name (see: queue, for the whole queue)';

async function pendingState(key: string, context: Pick<AdminContext, 'queue'>): Promise<PendingState> {
  let events: readonly PendingEvent[] | undefined;
  try {
    events = await context.queue.pendingEvents(key);
  } catch (error) {
    return { known: false, reason: `the queue could not be read: ${messageOf(error)}` };
  }
  if (events === undefined) return { known: false, reason: CANNOT_TELL };
  return {
    known: true,
    events: events.map((event) => ({
      id: event.id,
      version: event.version,
      state: event.state,
      attempts: event.attempts,
      enqueuedAt: new Date(event.enqueuedAt).toISOString(),
      lastError: event.lastError ?? null,
    })),
  };
}

function settled(result: PromiseSettledResult<LayerState>): LayerState {
  return result.status === 'fulfilled' ? result.value : { state: 'error', error: messageOf(result.reason) };
}

/** Reads the three layers at once; a layer that cannot be read is reported, not thrown. */
export async function inspectSession(
  key: string,
  context: Pick<AdminContext, 'config' | 'datastore' | 'repository' | 'cache' | 'queue'>,
): Promise<SessionReport> {
  const now = Date.now();
  const [cache, datastore, pending] = await Promise.allSettled([
    cacheState(key, context, now),
    datastoreState(key, context, now),
    pendingState(key, context),
  ]);
  const report = {
    key,
    cache: settled(cache),
    datastore: settled(datastore),
    pending:
      pending.status === 'fulfilled' ? pending.value : { known: false as const, reason: messageOf(pending.reason) },
  };
  const behind =
    'version' in report.cache && 'version' in report.datastore ? report.cache.version - report.datastore.version : null;
  return { ...report, behind, summary: verdict(report.cache, report.datastore, behind, report.pending) };
}

function verdict(cache: LayerState, datastore: LayerState, behind: number | null, pending: PendingState): string {
  const queued = pending.known ? `${pending.events.length} event(s) of it in the queue` : undefined;
  if (cache.state === 'error' || datastore.state === 'error') return 'a layer could not be read (see its error)';
  if (cache.state === 'tombstone' || datastore.state === 'tombstone')
    return datastore.state === 'tombstone'
      ? 'destroyed (logged out): the tombstone in Datastore keeps any late event from reviving it'
      : 'destroyed in the cache; the Datastore tombstone is not there (yet?)';
  if (cache.state === 'missing' && datastore.state === 'missing')
    return 'no such session in the cache or Datastore (never created, purged, or a wrong key/namespace)';
  if (behind !== null) {
    if (behind === 0) return `in sync at version ${'version' in cache ? cache.version : '?'}`;
    if (behind > 0)
      return `Datastore is ${behind} version(s) behind the cache: events not yet applied${queued === undefined ? '' : ` (${queued})`}`;
    return `the cache holds an older version than Datastore (${-behind} behind): the next write or read-through catches up`;
  }
  if (cache.state === 'missing' || cache.state === 'unreadable')
    return `only in Datastore (version ${'version' in datastore ? datastore.version : '?'}): the next read puts it back in the cache`;
  return `only in the cache (version ${'version' in cache ? cache.version : '?'}): its first event is not in Datastore yet${queued === undefined ? '' : ` (${queued})`}`;
}

function layerLine(name: string, layer: LayerState, now: number): string {
  const label = `  ${name}:`.padEnd(14);
  switch (layer.state) {
    case 'live':
    case 'expired': {
      const left = Date.parse(layer.expiresAt) - now;
      const when = left > 0 ? `in ${formatDuration(left)}` : `${formatDuration(-left)} ago`;
      const principal = layer.principal === null ? '' : `, principal ${JSON.stringify(layer.principal)}`;
      return `${label}version ${layer.version}, ${layer.state === 'expired' ? 'EXPIRED' : 'expires'} ${layer.expiresAt} (${when})${principal}`;
    }
    case 'tombstone':
      return `${label}TOMBSTONE (destroyed)${layer.expiresAt === null ? '' : `, purged after ${layer.expiresAt}`}`;
    case 'missing':
      return `${label}not there`;
    case 'unreadable':
      return `${label}something unreadable is stored under the key (a read treats it as a miss)`;
    case 'error':
      return `${label}could not be read: ${layer.error}`;
  }
}

function describe(report: SessionReport): string[] {
  const now = Date.now();
  const lines = [
    `session ${report.key}`,
    layerLine('cache', report.cache, now),
    layerLine('datastore', report.datastore, now),
  ];
  const { pending } = report;
  if (!pending.known) lines.push(`  pending:    ${pending.reason}`);
  else if (pending.events.length === 0) lines.push('  pending:    no event of it in the queue');
  else
    for (const event of pending.events)
      lines.push(
        `  pending:    version ${event.version}, ${event.state}, ${event.attempts} attempt(s), enqueued ${event.enqueuedAt}${event.lastError === null ? '' : `, last error: ${event.lastError}`}`,
      );
  lines.push(`  => ${report.summary}`);
  return lines;
}
