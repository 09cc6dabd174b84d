// The App Engine configuration files hold what App Engine and this project need.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@gaesession/config';
import { parse } from 'yaml';
import { ROOT } from '../stack/state.js';

type Doc = Record<string, unknown>;

function load(file: string): Doc {
  const doc: unknown = parse(readFileSync(join(ROOT, file), 'utf8'));
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`${file} is not a YAML mapping`);
  return doc as Doc;
}

function list(value: unknown): Doc[] {
  return Array.isArray(value) ? (value as Doc[]) : [];
}

function env(doc: Doc): Record<string, unknown> {
  return (doc.env_variables ?? {}) as Record<string, unknown>;
}

const web = load('app.yaml');
const worker = load('apps/worker/app.yaml');
const queues = load('queue.yaml');
const cron = load('cron.yaml');
const sessionEvents = list(queues.queue).find((queue) => queue.name === 'session-events');

describe.each([
  ['app.yaml', web, 'default'],
  ['apps/worker/app.yaml', worker, 'worker'],
])('%s', (_file, doc, service) => {
  it(`runs nodejs22 as service "${service}"`, () => {
    expect(doc.runtime).toBe('nodejs22');
    expect(doc.service).toBe(service);
  });

  it('takes warmup requests', () => {
    expect(doc.inbound_services).toContain('warmup');
  });

  it('serves every handler over HTTPS only', () => {
    const handlers = list(doc.handlers);
    expect(handlers.length).toBeGreaterThan(0);
    for (const handler of handlers) expect(handler).toMatchObject({ secure: 'always' });
    expect(handlers.some((handler) => handler.url === '/.*')).toBe(true);
  });

  it('sets environment variables as strings (App Engine takes nothing else)', () => {
    const values = Object.values(env(doc));
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) expect(typeof value).toBe('string');
  });

  it('uses the Cloud Tasks queue that queue.yaml defines', () => {
    expect(env(doc).QUEUE_BACKEND).toBe('cloud-tasks');
    expect(env(doc).QUEUE_NAME).toBe('session-events');
  });
});

describe('app.yaml (web)', () => {
  it('reaches the Valkey cache through a Serverless VPC Access connector', () => {
    const connector = web.vpc_access_connector as Doc | undefined;
    expect(connector?.name).toMatch(/^projects\/[^/]+\/locations\/[^/]+\/connectors\/[^/]+$/);
    expect(env(web).CACHE_BACKEND).toBe('valkey');
    expect(env(web).CACHE_URL).toMatch(/^rediss?:\/\/[^\s/]+:\d+$/);
  });

  it('passes the variables loadConfig accepts', () => {
    expect(() => loadConfig({ ...(env(web) as Record<string, string>), GAE_ENV: 'standard' })).not.toThrow();
    expect(() => loadConfig({ ...(env(worker) as Record<string, string>), GAE_ENV: 'standard' })).not.toThrow();
  });

  it('sends the event tasks to the worker service', () => {
    expect(env(web).WORKER_SERVICE).toBe(worker.service);
  });
});

describe('queue.yaml', () => {
  it('defines the session-events queue, targeted at the worker', () => {
    expect(sessionEvents).toBeDefined();
    expect(sessionEvents?.target).toBe('worker');
  });

  it('sets rate (at most Cloud Tasks’ 500/s), bucket_size and max_concurrent_requests', () => {
    const rate = /^(\d+(?:\.\d+)?)\/([smhd])$/.exec(String(sessionEvents?.rate));
    expect(rate).not.toBeNull();
    const perSecond = Number(rate?.[1]) / { s: 1, m: 60, h: 3600, d: 86400 }[rate?.[2] as 's' | 'm' | 'h' | 'd'];
    expect(perSecond).toBeGreaterThan(0);
    expect(perSecond).toBeLessThanOrEqual(500);
    expect(sessionEvents?.bucket_size).toEqual(expect.any(Number));
    expect(sessionEvents?.bucket_size as number).toBeGreaterThan(0);
    expect(sessionEvents?.max_concurrent_requests).toEqual(expect.any(Number));
    expect(sessionEvents?.max_concurrent_requests as number).toBeGreaterThan(0);
  });

  it("retries with a task_retry_limit equal to the worker's TASK_RETRY_LIMIT", () => {
    const retry = sessionEvents?.retry_parameters as Doc | undefined;
    expect(retry).toBeDefined();
    expect(retry?.task_retry_limit).toEqual(expect.any(Number));
    expect(retry?.task_retry_limit).toBe(Number(env(worker).TASK_RETRY_LIMIT));
    expect(retry?.min_backoff_seconds as number).toBeLessThanOrEqual(retry?.max_backoff_seconds as number);
  });
});

describe('cron.yaml', () => {
  it('calls /tasks/purge on the worker every 30 minutes', () => {
    const purge = list(cron.cron).filter((job) => job.url === '/tasks/purge');
    expect(purge).toHaveLength(1);
    expect(purge[0]).toMatchObject({ schedule: 'every 30 minutes', target: worker.service });
  });
});
