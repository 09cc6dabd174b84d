// Hostile calls of the worker's task and cron endpoints (not built, not a test file itself).
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { liveEvent, newKey } from '@gaesession/testkit';
import type { RawHeader } from './raw-http.fixture.js';

export const TASK_PATH = '/tasks/session-events';
export const PURGE_PATH = '/tasks/purge';

/** A call that must be refused before anything is read or applied. */
export interface RefusedCall {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: readonly RawHeader[];
  readonly body?: string | Buffer;
  /** Session keys that must not reach Datastore. */
  readonly keys: readonly string[];
}

/** A batch of one valid event of a fresh session: what a refused call must not apply. */
function validBody(): { body: string; key: string } {
  const key = newKey();
  return { body: JSON.stringify([liveEvent(key, 1, { n: 1 })]), key };
}

function taskCall(name: string, headers: readonly RawHeader[]): RefusedCall {
  const { body, key } = validBody();
  return {
    name,
    method: 'POST',
    path: TASK_PATH,
    headers: [['Content-Type', 'application/json'], ...headers],
    body,
    keys: [key],
  };
}

function cronCall(name: string, headers: readonly RawHeader[], query = ''): RefusedCall {
  return { name, method: 'GET', path: PURGE_PATH + query, headers, keys: [] };
}

/** Bodies a refused caller may send along: they must not even be read. */
function refusedBodies(headers: readonly RawHeader[]): RefusedCall[] {
  return [
    { name: 'not JSON', body: 'garbage' },
    { name: 'gzip flag on plain text', body: 'garbage', extra: [['X-Gaesession-Encoding', 'gzip']] as RawHeader[] },
    { name: 'over 1 MiB', body: Buffer.alloc(1024 * 1024 + 1, 'x') },
  ].map(({ name, body, extra = [] }) => ({
    name: `${name}, unauthorized`,
    method: 'POST' as const,
    path: TASK_PATH,
    headers: [...headers, ...extra],
    body,
    keys: [],
  }));
}

/** Off App Engine: only the shared secret counts; App Engine headers are anyone's to send. */
export function refusedOffAppEngine(queueName: string, secret: string): RefusedCall[] {
  const flipped = secret.toUpperCase() === secret ? secret.toLowerCase() : secret.toUpperCase();
  const spoofed: [string, RawHeader[]][] = [
    ['no headers', []],
    ['X-AppEngine-QueueName', [['X-AppEngine-QueueName', queueName]]],
    [
      'all task headers App Engine sets',
      [
        ['X-AppEngine-QueueName', queueName],
        ['X-AppEngine-TaskName', 'task-1'],
        ['X-AppEngine-TaskRetryCount', '0'],
        ['X-AppEngine-TaskExecutionCount', '0'],
      ],
    ],
    ['X-CloudTasks-QueueName', [['X-CloudTasks-QueueName', queueName]]],
    ['X-Appengine-Cron', [['X-Appengine-Cron', 'true']]],
    ['a random secret', [['X-Worker-Secret', randomBytes(24).toString('base64url')]]],
    ['an empty secret', [['X-Worker-Secret', '']]],
    ['the secret plus a character', [['X-Worker-Secret', `${secret}x`]]],
    ['the secret less a character', [['X-Worker-Secret', secret.slice(0, -1)]]],
    ['the secret in another case', [['X-Worker-Secret', flipped]]],
    ['the secret with a latin1 byte', [['X-Worker-Secret', `\xff${secret}`]]],
    [
      'the secret twice (joined by Node)',
      [
        ['X-Worker-Secret', secret],
        ['X-Worker-Secret', secret],
      ],
    ],
    [
      'the secret and a wrong one',
      [
        ['X-Worker-Secret', secret],
        ['X-Worker-Secret', 'wrong'],
      ],
    ],
    ['the secret as a bearer token', [['Authorization', `Bearer ${secret}`]]],
    ['the secret in a cookie', [['Cookie', `X-Worker-Secret=${secret}`]]],
  ];
  return [
    ...spoofed.map(([name, headers]) => taskCall(`task: ${name}`, headers)),
    { ...taskCall('task: the secret in the query', []), path: `${TASK_PATH}?X-Worker-Secret=${secret}` },
    ...refusedBodies([['X-AppEngine-QueueName', queueName]]),
    ...spoofed.map(([name, headers]) => cronCall(`cron: ${name}`, headers)),
    cronCall('cron: the secret in the query', [], `?X-Worker-Secret=${secret}&cursor=x`),
  ];
}

/** On App Engine: only `X-AppEngine-QueueName: <queue>` (tasks) and `X-Appengine-Cron: true` (cron). */
export function refusedOnAppEngine(queueName: string, secret: string): RefusedCall[] {
  const tasks: [string, RawHeader[]][] = [
    ['no headers', []],
    ['another queue', [['X-AppEngine-QueueName', 'other-queue']]],
    ['the queue name upper-cased', [['X-AppEngine-QueueName', queueName.toUpperCase()]]],
    ['the queue name plus a suffix', [['X-AppEngine-QueueName', `${queueName}-x`]]],
    ['an empty queue name', [['X-AppEngine-QueueName', '']]],
    [
      'the queue header twice (joined by Node)',
      [
        ['X-AppEngine-QueueName', queueName],
        ['X-AppEngine-QueueName', queueName],
      ],
    ],
    ['X-CloudTasks-QueueName (HTTP targets only)', [['X-CloudTasks-QueueName', queueName]]],
    ['the shared secret (not consulted on App Engine)', [['X-Worker-Secret', secret]]],
    ['X-Appengine-Cron', [['X-Appengine-Cron', 'true']]],
  ];
  const crons: [string, RawHeader[]][] = [
    ['no headers', []],
    ['X-Appengine-Cron: false', [['X-Appengine-Cron', 'false']]],
    ['X-Appengine-Cron: TRUE', [['X-Appengine-Cron', 'TRUE']]],
    ['X-Appengine-Cron: 1', [['X-Appengine-Cron', '1']]],
    [
      'X-Appengine-Cron twice (joined by Node)',
      [
        ['X-Appengine-Cron', 'true'],
        ['X-Appengine-Cron', 'true'],
      ],
    ],
    ['the task queue header', [['X-AppEngine-QueueName', queueName]]],
    ['the shared secret', [['X-Worker-Secret', secret]]],
  ];
  return [
    ...tasks.map(([name, headers]) => taskCall(`task: ${name}`, headers)),
    ...refusedBodies([['X-AppEngine-QueueName', 'other-queue']]),
    ...crons.map(([name, headers]) => cronCall(`cron: ${name}`, headers)),
  ];
}

/** An authorized delivery of something that is not a valid event batch: it must be dead-lettered, not applied. */
export interface InvalidDelivery {
  readonly name: string;
  readonly body: string | Buffer;
  readonly headers?: readonly RawHeader[];
  /** Items refused (each its own dead letter), or 1 for a payload refused whole. */
  readonly invalid: number;
  /** Valid events in the same batch, which must apply. */
  readonly applied?: number;
  /** Keys whose events must not reach Datastore. */
  readonly keys: readonly string[];
}

/** Payloads that are not an event batch at all. */
function notBatches(): InvalidDelivery[] {
  const text: [string, string | Buffer, number][] = [
    ['not JSON', 'garbage', 1],
    ['an empty body', '', 1],
    ['truncated JSON', '[{"v":1', 1],
    ['binary', Buffer.from([0x00, 0xff, 0xfe, 0x80]), 1],
    ['JSON with a BOM', '\ufeff[]', 1],
    ['null', 'null', 1],
    ['a number', '42', 1],
    ['a string', '"event"', 1],
    ['an object', '{}', 1],
    ['three non-events', '[null, 1, "a"]', 3],
    ['nested arrays', '[[[]]]', 1],
    ['an item nested 100000 deep', `[${'['.repeat(100_000)}${']'.repeat(100_000)}]`, 1],
  ];
  return text.map(([name, body, invalid]) => ({ name, body, invalid, keys: [] }));
}

/** Events of a fresh session, each changed one way; JSON text, so that it can say what JSON.stringify cannot. */
function mutatedEvents(): InvalidDelivery[] {
  const mutations: [string, (event: Record<string, unknown>, key: string) => string][] = [];
  const field = (name: string, value: unknown) => (e: Record<string, unknown>) =>
    JSON.stringify([{ ...e, [name]: value }]);
  const without = (name: string) => (e: Record<string, unknown>) =>
    JSON.stringify([Object.fromEntries(Object.entries(e).filter(([field]) => field !== name))]);
  const snapshot = (name: string, value: unknown) => (e: Record<string, unknown>) =>
    JSON.stringify([{ ...e, snapshot: { ...(e.snapshot as object), [name]: value } }]);
  for (const v of [0, 2, '1', null]) mutations.push([`v ${JSON.stringify(v)}`, field('v', v)]);
  mutations.push(['no v', without('v')]);
  for (const [name, id] of [
    ['another session’s id', `${newKey()}.1`],
    ['another version', 'VERSION2'],
    ['an empty id', ''],
    ['a number', 1],
  ] as const) {
    mutations.push([`id: ${name}`, (e, key) => JSON.stringify([{ ...e, id: id === 'VERSION2' ? `${key}.2` : id }])]);
  }
  mutations.push(['no id', without('id')]);
  for (const [name, make] of [
    ['42 characters', (k: string) => k.slice(1)],
    ['44 characters', (k: string) => `${k}A`],
    ['a "+"', (k: string) => `+${k.slice(1)}`],
    ['a "/"', (k: string) => `/${k.slice(1)}`],
    ['a "="', (k: string) => `${k.slice(1)}=`],
    ['a ":"', (k: string) => `:${k.slice(1)}`],
    ['non-ASCII', (k: string) => `é${k.slice(1)}`],
  ] as const) {
    mutations.push([`key with ${name}`, (e, key) => JSON.stringify([{ ...e, key: make(key), id: `${make(key)}.1` }])]);
  }
  for (const version of [0, -1, 1.5, '1', 2 ** 53, 1e308, null]) {
    mutations.push([
      `version ${JSON.stringify(version)}`,
      (e, key) => JSON.stringify([{ ...e, version, id: `${key}.${version}` }]),
    ]);
  }
  for (const type of ['deleted', '', null, 'destroyed'])
    mutations.push([`type ${JSON.stringify(type)}`, field('type', type)]);
  mutations.push(['a null snapshot on "created"', field('snapshot', null)]);
  mutations.push(['an array snapshot', field('snapshot', [])]);
  mutations.push(['an empty snapshot', field('snapshot', {})]);
  for (const timeout of [0, -1, 1.5]) mutations.push([`timeout ${timeout}`, snapshot('timeout', timeout)]);
  mutations.push(['attrs an array', snapshot('attrs', [1])]);
  mutations.push(['attrs null', snapshot('attrs', null)]);
  mutations.push(['constants a string', snapshot('constants', 'x')]);
  mutations.push(['a snapshot with extra fields', snapshot('token', 'x')]);
  mutations.push([
    'attrs nested 5000 deep',
    (e) => JSON.stringify([e]).replace('"attrs":{}', `"attrs":{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`),
  ]);
  for (const [name, ops] of [
    ['an unknown op', [{ op: 'clear' }]],
    ['an empty name', [{ op: 'set', name: '', value: 1 }]],
    ['a string increment', [{ op: 'incr', name: 'n', by: '1' }]],
    ['a set without value', [{ op: 'set', name: 'n' }]],
    ['ops an object', {}],
  ] as const) {
    mutations.push([`ops: ${name}`, field('ops', ops)]);
  }
  mutations.push([
    'an infinite increment (1e999)',
    (e) => JSON.stringify([{ ...e, ops: [{ op: 'incr', name: 'n', by: 1 }] }]).replace('"by":1', '"by":1e999'),
  ]);
  for (const [name, value] of [
    ['-1', -1],
    ['1.5', 1.5],
    ['a string', 'now'],
    ['past the Date range', 9e15],
  ] as const) {
    mutations.push([`occurredAt ${name}`, field('occurredAt', value)]);
    mutations.push([`expiresAt ${name}`, field('expiresAt', value)]);
  }
  mutations.push(['a "token" field', field('token', 'x')]);
  mutations.push([
    'a "__proto__" field',
    (e) => JSON.stringify([e]).replace('{"v":1', '{"__proto__":{"admin":true},"v":1'),
  ]);
  return mutations.map(([name, mutate]) => {
    const key = newKey();
    const event = liveEvent(key, 1, {}) as unknown as Record<string, unknown>;
    return { name: `event with ${name}`, body: mutate(event, key), invalid: 1, keys: [key] };
  });
}

/** Bodies whose encoding is wrong. */
function badEncodings(): InvalidDelivery[] {
  const { body, key } = validBody();
  const gzipped = gzipSync(body);
  return [
    { name: 'gzip flag on a plain body', body, headers: [['X-Gaesession-Encoding', 'gzip']], invalid: 1, keys: [key] },
    { name: 'an unknown encoding', body: gzipped, headers: [['X-Gaesession-Encoding', 'br']], invalid: 1, keys: [key] },
    {
      name: 'gzip magic then garbage',
      body: Buffer.concat([Buffer.from([0x1f, 0x8b]), randomBytes(64)]),
      invalid: 1,
      keys: [],
    },
    { name: 'truncated gzip', body: gzipped.subarray(0, gzipped.length - 10), invalid: 1, keys: [key] },
    { name: 'gzipped garbage', body: gzipSync('garbage'), invalid: 1, keys: [] },
  ];
}

export function invalidDeliveries(): InvalidDelivery[] {
  const [first, second, valid] = [newKey(), newKey(), newKey()];
  const mixedKeys = [first, second];
  const mixed: InvalidDelivery = {
    name: 'two invalid events among a valid one',
    body: JSON.stringify([
      { ...liveEvent(first, 1, {}), version: 0 },
      liveEvent(valid, 1, { ok: true }),
      { ...liveEvent(second, 1, {}), v: 2 },
    ]),
    invalid: 2,
    applied: 1,
    keys: mixedKeys,
  };
  return [...notBatches(), ...mutatedEvents(), ...badEncodings(), mixed];
}
