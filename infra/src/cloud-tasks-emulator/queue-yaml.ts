import { EmulatorConfigError } from './config-error.js';
import { parse as parseYaml } from 'yaml';
import {
  IMPLICIT_DEFAULT_QUEUE,
  YAML_QUEUE_DEFAULTS,
  validateQueueSpec,
  type QueueSpec,
  type RetrySpec,
  type RoutingSpec,
} from './queue-spec.js';

/** The queues a queue.yaml file declares, ready to serve. */
export interface QueueYamlConfig {
  /** Push queues, in file order; `default` is appended when the file does not declare it. */
  queues: QueueSpec[];
  /** Ids of pull queues, which Cloud Tasks v2 (and this emulator) does not serve. */
  skipped: string[];
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;
const TOP_KEYS = new Set(['queue', 'total_storage_limit']);
const QUEUE_KEYS = new Set([
  'name',
  'rate',
  'bucket_size',
  'max_concurrent_requests',
  'retry_parameters',
  'target',
  'mode',
  'acl',
]);
const RETRY_KEYS = new Set([
  'task_retry_limit',
  'task_age_limit',
  'min_backoff_seconds',
  'max_backoff_seconds',
  'max_doublings',
]);

/** `500/s`, `10/m`, `1.5/h`, `0/s` → tasks per second. */
export function parseRate(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\/([smhd])$/.exec(text.trim());
  if (match === null) return undefined;
  return (Number(match[1]) * 1000) / UNIT_MS[match[2] as Unit];
}

/** `30s`, `10m`, `2h`, `1.5d` → milliseconds (App Engine's task_age_limit syntax). */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim());
  if (match === null) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as Unit];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads one queue entry; pushes a sentence per problem instead of stopping at the first. */
class EntryReader {
  constructor(
    private readonly where: string,
    private readonly problems: string[],
  ) {}

  fail(message: string): void {
    this.problems.push(`${this.where}: ${message}`);
  }

  unknownKeys(entry: Record<string, unknown>, allowed: Set<string>, prefix = ''): void {
    for (const key of Object.keys(entry)) if (!allowed.has(key)) this.fail(`unknown key "${prefix}${key}"`);
  }

  number(value: unknown, key: string, check: (n: number) => boolean, expected: string): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'number' && check(value)) return value;
    this.fail(`${key} must be ${expected}, got ${JSON.stringify(value)}`);
    return undefined;
  }

  text(value: unknown, key: string): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'string' && value !== '') return value;
    this.fail(`${key} must be a non-empty string`);
    return undefined;
  }
}

const isCount = (n: number) => Number.isInteger(n) && n >= 0;
const isPositiveCount = (n: number) => Number.isInteger(n) && n >= 1;
const isNonNegative = (n: number) => Number.isFinite(n) && n >= 0;

function readRetry(value: unknown, read: EntryReader): RetrySpec {
  const retry: RetrySpec = { ...YAML_QUEUE_DEFAULTS.retry };
  if (value === undefined || value === null) return retry;
  if (!isRecord(value)) {
    read.fail('retry_parameters must be a mapping');
    return retry;
  }
  read.unknownKeys(value, RETRY_KEYS, 'retry_parameters.');
  // task_retry_limit counts retries; Cloud Tasks' max_attempts counts the first attempt too.
  const retryLimit = read.number(value.task_retry_limit, 'task_retry_limit', isCount, 'an integer >= 0');
  if (retryLimit !== undefined) retry.maxAttempts = retryLimit + 1;
  const ageText = read.text(value.task_age_limit, 'task_age_limit');
  if (ageText !== undefined) {
    const age = parseDuration(ageText);
    if (age === undefined) read.fail(`task_age_limit "${ageText}" must look like 30s, 10m, 2h or 1d`);
    else retry.maxRetryDurationMs = age;
  }
  const minBackoff = read.number(value.min_backoff_seconds, 'min_backoff_seconds', isNonNegative, 'a number >= 0');
  if (minBackoff !== undefined) retry.minBackoffMs = minBackoff * 1000;
  const maxBackoff = read.number(value.max_backoff_seconds, 'max_backoff_seconds', isNonNegative, 'a number >= 0');
  if (maxBackoff !== undefined) retry.maxBackoffMs = maxBackoff * 1000;
  const doublings = read.number(value.max_doublings, 'max_doublings', isCount, 'an integer >= 0');
  if (doublings !== undefined) retry.maxDoublings = doublings;
  return retry;
}

/** `worker` or `v2.worker` (App Engine's version.service target syntax). */
function readTarget(value: unknown, read: EntryReader): RoutingSpec | undefined {
  const target = read.text(value, 'target');
  if (target === undefined) return undefined;
  const dot = target.lastIndexOf('.');
  return dot === -1 ? { service: target } : { version: target.slice(0, dot), service: target.slice(dot + 1) };
}

function readQueue(entry: unknown, index: number, problems: string[]): QueueSpec | 'pull' | undefined {
  const name = isRecord(entry) && typeof entry.name === 'string' ? entry.name : undefined;
  const read = new EntryReader(`queue[${index}]${name === undefined ? '' : ` (${name})`}`, problems);
  if (!isRecord(entry)) {
    read.fail('must be a mapping');
    return undefined;
  }
  read.unknownKeys(entry, QUEUE_KEYS);
  if (name === undefined) {
    read.fail('name is required');
    return undefined;
  }
  if (entry.mode === 'pull') return 'pull';
  if (entry.mode !== undefined && entry.mode !== 'push') {
    read.fail('mode must be push or pull');
    return undefined;
  }
  const rateText = read.text(entry.rate, 'rate');
  const rate = rateText === undefined ? undefined : parseRate(rateText);
  if (rateText === undefined) read.fail('rate is required for push queues');
  else if (rate === undefined) read.fail(`rate "${rateText}" must look like 500/s, 10/m, 1/h or 1/d`);
  const bucketSize = read.number(entry.bucket_size, 'bucket_size', isPositiveCount, 'an integer >= 1');
  const concurrency = read.number(
    entry.max_concurrent_requests,
    'max_concurrent_requests',
    isPositiveCount,
    'an integer >= 1',
  );
  const spec: QueueSpec = {
    id: name,
    maxDispatchesPerSecond: rate ?? 0,
    maxBurstSize: bucketSize ?? YAML_QUEUE_DEFAULTS.bucketSize,
    maxConcurrentDispatches: concurrency ?? YAML_QUEUE_DEFAULTS.maxConcurrentRequests,
    retry: readRetry(entry.retry_parameters, read),
  };
  const routing = readTarget(entry.target, read);
  if (routing !== undefined) spec.routingOverride = routing;
  for (const problem of validateQueueSpec(spec)) read.fail(problem);
  return spec;
}

/**
 * Parses an App Engine queue.yaml into queue specs. Unknown keys, bad values and duplicate names
 * are errors (all reported at once), so a typo cannot silently fall back to a default.
 *
 * @throws EmulatorConfigError listing every problem found.
 */
export function parseQueueYaml(text: string, source = 'queue.yaml'): QueueYamlConfig {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new EmulatorConfigError(`${source}: not valid YAML: ${(error as Error).message}`);
  }
  const problems: string[] = [];
  const queues: QueueSpec[] = [];
  const skipped: string[] = [];
  if (document !== null && document !== undefined && !isRecord(document)) problems.push('top level must be a mapping');
  if (isRecord(document))
    for (const key of Object.keys(document)) if (!TOP_KEYS.has(key)) problems.push(`unknown top-level key "${key}"`);
  const entries = isRecord(document) ? document.queue : undefined;
  if (entries !== undefined && entries !== null && !Array.isArray(entries)) problems.push('"queue" must be a list');
  const seen = new Set<string>();
  (Array.isArray(entries) ? (entries as unknown[]) : []).forEach((entry, index) => {
    const queue = readQueue(entry, index, problems);
    const id = isRecord(entry) && typeof entry.name === 'string' ? entry.name : undefined;
    if (id !== undefined && seen.has(id)) problems.push(`queue[${index}] (${id}): duplicate queue name`);
    if (id !== undefined) seen.add(id);
    if (queue === 'pull' && id !== undefined) skipped.push(id);
    else if (queue !== undefined && queue !== 'pull') queues.push(queue);
  });
  if (problems.length > 0) throw new EmulatorConfigError(`${source}: ${problems.join('; ')}`);
  if (!seen.has(IMPLICIT_DEFAULT_QUEUE.id))
    queues.push({ ...IMPLICIT_DEFAULT_QUEUE, retry: { ...IMPLICIT_DEFAULT_QUEUE.retry } });
  return { queues, skipped };
}
