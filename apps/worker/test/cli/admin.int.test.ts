// The admin CLI against the real stack: Datastore emulator, Redis (BullMQ), the Valkey cache, and
// the Cloud Tasks emulator; each test with its own namespace, queue and cache key prefix.
import { credentials } from '@grpc/grpc-js';
import { createSessionStore, loadConfig, type ConfiguredStore } from '@gaesession/config';
import { newToken, sessionKey, type SessionRecord } from '@gaesession/core';
import { DatastoreRepository } from '@gaesession/persistence';
import { CloudTasksPublisher } from '@gaesession/queue';
import { Cleanup, clearNamespace, services, uniqueName } from '@gaesession/testkit';
import { parseQueueYaml, startCloudTasksEmulator } from '@gaesession/infra/cloud-tasks-emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { adminContext, type AdminContext } from '../../src/cli/admin-context.js';
import { runAdmin } from '../../src/cli/admin-commands.js';
import type { CliOutput } from '../../src/cli/context.js';
import { liveEvent, newKey, runEntry, testEnv, testQueues } from '../worker.fixture.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** An environment of its own: namespace, BullMQ queue, Valkey cache with a key prefix. */
function adminEnv(label: string, overrides: Record<string, string> = {}): Record<string, string> {
  return testEnv(label, {
    QUEUE_BACKEND: 'bullmq',
    CACHE_BACKEND: 'valkey',
    CACHE_URL: services.valkey,
    CACHE_KEY_PREFIX: `${uniqueName(label)}:`,
    ...overrides,
  });
}

/** Runs `admin <argv>` in-process against `env`; the context is closed after the command. */
async function admin(env: Record<string, string>, ...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const output: CliOutput = { out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
  const code = await runAdmin(argv, () => Promise.resolve(adminContext(loadConfig(env))), output);
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

/** Runs it and parses stdout as JSON. */
async function adminJson(env: Record<string, string>, ...argv: string[]) {
  const result = await admin(env, ...argv);
  let json: unknown;
  try {
    json = JSON.parse(result.stdout);
  } catch {
    throw new Error(
      `admin ${argv.join(' ')}: stdout is not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return { ...result, json: json as Record<string, unknown> };
}

/** A context on `env` for the test's own setup (letters, entities), cleared and closed afterwards. */
function context(env: Record<string, string>): AdminContext {
  const made = adminContext(loadConfig(env));
  cleanup.add(async () => {
    await clearNamespace(made.datastore, made.config.datastore.namespace ?? '');
    await made.close();
  });
  return made;
}

/** The production store on `env` (cache + BullMQ + Datastore), closed afterwards. */
function store(env: Record<string, string>): ConfiguredStore {
  const configured = createSessionStore({ config: loadConfig(env) });
  cleanup.add(() => configured.close());
  return configured;
}

function record(key: string, version: number, attrs: Record<string, number> = {}): SessionRecord {
  const now = Date.now();
  return { key, version, created: now, accessed: now, timeout: 1_800_000, principal: 'ada', constants: {}, attrs };
}

describe('admin session', () => {
  it('--token: cache ahead of Datastore by the events still queued, and never the token', async () => {
    const env = adminEnv('adm-session');
    context(env);
    const queues = testQueues(env.QUEUE_NAME ?? '');
    cleanup.add(() => queues.close());
    const { store: sessions } = store(env);
    const token = newToken();
    const key = sessionKey(token);
    // A login (written to Datastore in the request), then two changes that wait in the queue:
    // no worker consumes it here.
    expect(await sessions.write({ kind: 'create', baseVersion: 0, record: record(key, 1), ops: [] })).toMatchObject({
      ok: true,
    });
    for (const version of [2, 3]) {
      const write = await sessions.write({
        kind: 'update',
        baseVersion: version - 1,
        record: record(key, version, { n: version }),
        ops: [{ op: 'set', name: 'n', value: version }],
      });
      expect(write.ok).toBe(true);
    }

    const { code, stdout, stderr, json } = await adminJson(env, 'session', '--token', token, '--json');
    expect(code, stderr).toBe(0);
    expect(stdout).not.toContain(token);
    expect(json).toMatchObject({
      key,
      cache: { state: 'live', version: 3, principal: 'ada', expiresAt: expect.any(String) as string },
      datastore: { state: 'live', version: 1, principal: 'ada' },
      behind: 2,
      pending: {
        known: true,
        events: [
          { id: `${key}.2`, version: 2, state: 'waiting', attempts: 0, lastError: null },
          { id: `${key}.3`, version: 3, state: 'waiting', attempts: 0, lastError: null },
        ],
      },
      summary: expect.stringContaining('2 version(s) behind') as string,
    });

    // By key, as text; and a cookie value (token.signature~version) hashes to the same key.
    const text = await admin(env, 'session', key);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('version 3');
    expect(text.stdout).toContain('version 2, waiting');
    const cookie = await adminJson(env, 'session', `--token=${token}.${'s'.repeat(43)}~3`, '--json');
    expect(cookie.json.key).toBe(key);

    // A logout: tombstones in both layers.
    await sessions.destroy(key);
    expect((await adminJson(env, 'session', key, '--json')).json).toMatchObject({
      cache: { state: 'tombstone' },
      datastore: { state: 'tombstone', expiresAt: expect.any(String) as string },
      behind: null,
    });
  });

  it('answers 1 for a session found nowhere, and refuses a malformed token without printing it', async () => {
    const env = adminEnv('adm-none');
    context(env);
    const missing = await adminJson(env, 'session', newKey(), '--json');
    expect(missing.code).toBe(1);
    expect(missing.json).toMatchObject({
      cache: { state: 'missing' },
      datastore: { state: 'missing' },
      pending: { known: true, events: [] },
    });
    const secret = 'not-a-token-but-secret';
    const refused = await admin(env, 'session', '--token', secret);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^session: --token: expected a session token .*; valid flags: --token <token>, --json, --help$/,
    );
    expect(refused.stderr).not.toContain(secret);
  });
});

describe('admin queue', () => {
  it('--json: BullMQ depth, oldest event and dead letters', async () => {
    const env = adminEnv('adm-queue');
    const made = context(env);
    const queues = testQueues(env.QUEUE_NAME ?? '');
    cleanup.add(() => queues.close());
    const empty = await adminJson(env, 'queue', '--json');
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.json).toEqual({
      backend: 'bullmq',
      queue: env.QUEUE_NAME,
      state: 'running',
      unit: 'events',
      depth: { waiting: 0, active: 0, delayed: 0, failed: 0, total: 0 },
      complete: true,
      oldestEvent: null,
      deadLetters: 0,
      errors: {},
    });

    const { store: sessions } = store(env);
    const key = newKey();
    const before = Date.now();
    await sessions.write({ kind: 'create', baseVersion: 0, record: record(key, 1), ops: [] });
    await sessions.write({
      kind: 'update',
      baseVersion: 1,
      record: record(key, 2, { n: 1 }),
      ops: [{ op: 'set', name: 'n', value: 1 }],
    });
    await made.deadLetters.add({ payload: 'x', error: 'e', attempts: 1 });
    const { json } = await adminJson(env, 'queue', '--json');
    expect(json).toMatchObject({ depth: { waiting: 1, total: 1 }, deadLetters: 1, errors: {} });
    const oldest = json.oldestEvent as { enqueuedAt: string; ageMs: number };
    expect(Date.parse(oldest.enqueuedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(oldest.ageMs).toBeGreaterThanOrEqual(0);
    expect((await admin(env, 'queue')).stdout).toContain('dead letters: 1 (see: dead-letters list)');
  });

  it('--json: Cloud Tasks through GetQueue and ListTasks (the emulator), and a session it cannot tell about', async () => {
    const name = uniqueName('adm-ct');
    const yaml = `queue:
  - name: ${name}
    target: worker
    rate: 1/s
    retry_parameters:
      task_retry_limit: 5
      min_backoff_seconds: 60
`;
    // The target answers nothing: the task's first push fails, and it waits out a minute's backoff.
    const emulator = cleanup.track(
      await startCloudTasksEmulator({
        port: 0,
        queues: parseQueueYaml(yaml).queues,
        targets: { worker: 'http://127.0.0.1:9' },
        log: () => undefined,
      }),
    );
    const env = adminEnv('adm-ct', {
      QUEUE_BACKEND: 'cloud-tasks',
      QUEUE_NAME: name,
      CLOUD_TASKS_LOCATION: 'us-central1',
      CLOUD_TASKS_EMULATOR_HOST: `${emulator.host}:${emulator.port}`,
    });
    context(env);
    const publisher = cleanup.track(
      new CloudTasksPublisher({
        project: loadConfig(env).projectId,
        location: 'us-central1',
        queue: name,
        clientOptions: {
          apiEndpoint: emulator.host,
          port: emulator.port,
          sslCreds: credentials.createInsecure(),
          universeDomain: 'googleapis.com',
        },
      }),
    );
    const key = newKey();
    await publisher.publish([liveEvent(key, 1, { a: 1 })]);
    const { code, json, stderr } = await adminJson(env, 'queue', '--json');
    expect(code, stderr).toBe(0);
    expect(json).toMatchObject({
      backend: 'cloud-tasks',
      queue: name,
      state: 'RUNNING',
      unit: 'tasks',
      depth: { active: null, failed: null, total: 1 },
      complete: true,
      deadLetters: 0,
    });
    expect(json.oldestEvent).not.toBeNull();
    const session = await adminJson(env, 'session', key, '--json');
    expect(session.json.pending).toEqual({
      known: false,
      reason: expect.stringContaining('Cloud Tasks cannot tell') as string,
    });
  });
});

describe('admin dead-letters', () => {
  it('list --json: every letter but its payload', async () => {
    const env = adminEnv('adm-letters');
    const made = context(env);
    const id = await made.deadLetters.add({
      payload: '[{"broken":true}]',
      error: 'item 1 of 1: not an event',
      code: 'EVENT_INVALID',
      attempts: 3,
      source: 'cloud-tasks:q/t1',
    });
    const { code, json } = await adminJson(env, 'dead-letters', 'list', '--json');
    expect(code).toBe(0);
    expect(json).toEqual({
      count: 1,
      limit: 50,
      letters: [
        {
          id,
          truncated: false,
          error: 'item 1 of 1: not an event',
          code: 'EVENT_INVALID',
          attempts: 3,
          failures: 1,
          source: 'cloud-tasks:q/t1',
          firstFailure: expect.any(String) as string,
          lastFailure: expect.any(String) as string,
          payloadBytes: 17,
        },
      ],
    });
    const replay = await adminJson(env, 'dead-letters', 'replay', '--all', '--json');
    expect(replay.code).toBe(1);
    expect(replay.json).toMatchObject({ tried: 1, replayed: 0, events: 0, failed: [{ id }] });
  });
});

describe('admin purge', () => {
  it('--dry-run --json counts per kind and deletes nothing; the purge then deletes them, with progress on stderr', async () => {
    const env = adminEnv('adm-purge');
    const made = context(env);
    // Sessions written two hours ago that expired a minute later (a repository on that clock
    // writes them: a live one refuses to write a session already expired).
    const past = Date.now() - 2 * 3_600_000;
    const then = new DatastoreRepository({
      datastore: made.datastore,
      namespace: env.DATASTORE_NAMESPACE ?? '',
      now: () => past,
    });
    const expired = [newKey(), newKey(), newKey()];
    await then.apply(expired.map((key) => liveEvent(key, 1, {}, { at: past, timeout: 60_000 })));
    const alive = newKey();
    await made.repository.apply([liveEvent(alive, 1, {})]);

    const dry = await adminJson(env, 'purge', '--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.json).toEqual({
      dryRun: true,
      namespace: env.DATASTORE_NAMESPACE,
      cutoff: expect.any(String) as string,
      expired: { Session: 3, SessionEvent: 0 },
      total: 3,
    });
    expect(await made.repository.inspect(expired[0] ?? '')).toMatchObject({ state: 'stored', expired: true });

    // As a command: the result on stdout, plain progress lines on stderr (not a terminal).
    const run = runEntry('cli/admin.ts', ['purge', '--json'], env);
    expect(await run.exited, run.output()).toBe(0);
    const output = run.output();
    expect(output).toMatch(/^purge: 0\/3 entities \(0%\), /m);
    expect(output).toMatch(/^purge: 3\/3 entities \(100%\), .*took \d+s$/m);
    const json = JSON.parse(output.slice(output.indexOf('{'))) as Record<string, unknown>;
    expect(json).toMatchObject({ dryRun: false, deleted: 3, completed: true, runs: 1 });
    expect(await made.repository.inspect(expired[0] ?? '')).toEqual({ state: 'missing' });
    expect(await made.repository.inspect(alive)).toMatchObject({ state: 'stored', expired: false });
  });
});

describe('admin command line', () => {
  it('--help everywhere, without touching the services; unknown commands and flags exit 2 in one line', async () => {
    const env = { DATASTORE_EMULATOR_HOST: '127.0.0.1:1' };
    expect(await admin(env, '--help')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('usage: gaesession-admin <command>') as string,
    });
    for (const command of ['session', 'queue', 'purge', 'rebuild', 'dead-letters'])
      expect(await admin(env, command, '--help'), command).toMatchObject({
        code: 0,
        stdout: expect.stringMatching(/^usage: /) as string,
      });
    expect(await admin(env, 'frobnicate')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        /^admin: unknown command "frobnicate": expected session, queue, dead-letters, purge, rebuild; see --help$/,
      ) as string,
    });
    const typo = runEntry('cli/admin.ts', ['purge', '--dryrun'], adminEnv('adm-cli'));
    expect(await typo.exited).toBe(2);
    expect(typo.output()).toBe('purge: unknown flag --dryrun; valid flags: --dry-run, --json, --help\n');
  });
});
