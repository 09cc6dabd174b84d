// The apps as an operator meets them: broken dependencies said at startup and in /readyz, never a
// crash on a request; the degraded paths in the metrics lines; a request's trace in the web app's
// and the worker's log lines.
import { Cleanup, eventually, freePort, startPrivateRedis } from '@gaesession/testkit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApps, type RunningApps, type StartAppsOptions } from '../testing/apps.fixture.js';
import { buildRepository } from '../testing/build.fixture.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

beforeAll(async () => {
  await buildRepository((line) => {
    console.log(`[ops test] ${line}`);
  });
}, 300_000);

async function apps(options: StartAppsOptions): Promise<RunningApps> {
  const running = await startApps(options);
  cleanup.add(() => running.stop());
  return running;
}

/** The JSON log lines of `output`. */
function entries(output: string): Record<string, unknown>[] {
  return output.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

interface Readyz {
  ready: boolean;
  dependencies: { name: string; ok: boolean; problem?: string }[];
}

async function readyz(url: string): Promise<{ status: number; body: Readyz }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as Readyz };
}

/** A tiny cookie-keeping client that can send extra headers. */
function client(base: string) {
  let cookie: string | undefined;
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(base + path, {
      method,
      headers: {
        ...headers,
        ...(cookie === undefined ? {} : { cookie }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const set = res.headers.get('set-cookie');
    if (set !== null) cookie = set.split(';')[0];
    await res.arrayBuffer();
    return res.status;
  };
}

describe('broken dependencies', () => {
  it('a wrong cache address and a wrong Redis port: said at startup and in /readyz, requests still served', async () => {
    const [cachePort, redisPort] = [await freePort(), await freePort()];
    const running = await apps({
      label: 'ops-wrong',
      env: { MEMCACHED_SERVERS: `127.0.0.1:${cachePort}`, REDIS_PORT: String(redisPort) },
    });
    await eventually(
      () =>
        running.web.output().includes(`cache at memcached 127.0.0.1:${cachePort} does not answer`) ? true : undefined,
      {
        what: 'the cache line',
      },
    );
    expect(running.web.output()).toMatch(new RegExp(`queue at bullmq 127\\.0\\.0\\.1:${redisPort} .* does not answer`));
    await eventually(() =>
      running.worker.output().includes(`cannot reach Redis at 127.0.0.1:${redisPort}`) ? true : undefined,
    );
    const web = await readyz(running.web.url);
    expect(web.status).toBe(503);
    expect(Object.fromEntries(web.body.dependencies.map((d) => [d.name, d.ok]))).toEqual({
      cache: false,
      queue: false,
      datastore: true,
    });
    expect((await readyz(running.worker.url)).body.dependencies.find((d) => d.name === 'queue')?.ok).toBe(false);
    // Degraded, not down: the writes go to Datastore in the request.
    const call = client(running.web.url);
    expect(await call('POST', '/api/login', { user: 'ada' })).toBe(201);
    expect(await call('POST', '/api/incr/n')).toBe(200);
    expect(await call('GET', '/api/session')).toBe(200);
    expect((await fetch(`${running.web.url}/healthz`)).status).toBe(200);
  });

  it('no Datastore credentials: said at startup and in /readyz, and no request ends the process', async () => {
    const running = await apps({ label: 'ops-nocreds', env: { DATASTORE_EMULATOR_HOST: '' } });
    for (const app of [running.web, running.worker]) {
      await eventually(() => (app.output().includes('datastore credentials') ? true : undefined), {
        what: `${app.url}: the credentials line`,
      });
      const { body } = await readyz(app.url);
      expect(body.dependencies.find((d) => d.name === 'datastore')).toMatchObject({ ok: false });
    }
    const call = client(running.web.url);
    // The login's durable create falls back to the queue; the logout needs Datastore: a JSON 503.
    expect(await call('POST', '/api/login', { user: 'ada' })).toBe(201);
    expect(await call('POST', '/api/incr/n')).toBe(200);
    expect(await call('POST', '/api/logout')).toBe(503);
    expect((await fetch(`${running.web.url}/healthz`)).status).toBe(200);
    expect(running.web.running).toBe(true);
  });
});

describe('metrics', () => {
  it('shows the queue fallback in the metrics lines, and warns, when Redis stops', async () => {
    const redis = await startPrivateRedis();
    cleanup.add(() => redis.stop());
    const running = await apps({
      label: 'ops-metrics',
      services: { redis: { host: '127.0.0.1', port: redis.port } },
      env: { METRICS_INTERVAL_MS: '300' },
    });
    const call = client(running.web.url);
    expect(await call('POST', '/api/login', { user: 'ada' })).toBe(201);
    await redis.stop();
    for (let i = 0; i < 3; i++) expect(await call('POST', '/api/incr/n')).toBe(200);
    const fallbacks = await eventually(() => {
      const total = entries(running.web.output())
        .filter((entry) => entry.message === 'metrics')
        .reduce((sum, entry) => {
          const store = (entry.metrics as { store?: Record<string, number> } | undefined)?.store;
          return sum + (store?.degraded_queue_fallback ?? 0);
        }, 0);
      return total >= 3 ? total : undefined;
    });
    expect(fallbacks).toBe(3);
    expect(entries(running.web.output()).some((entry) => entry.message === 'degraded: degraded_queue_fallback')).toBe(
      true,
    );
  });
});

describe('traces', () => {
  it("puts the request's trace on the web app's lines and on the worker's, through the event", async () => {
    const running = await apps({ label: 'ops-trace' });
    const traceId = '0123456789abcdef0123456789abcdef';
    const headers = { 'x-cloud-trace-context': `${traceId}/1;o=1` };
    const call = client(running.web.url);
    expect(await call('POST', '/api/login', { user: 'ada' }, headers)).toBe(201);
    expect(await call('POST', '/api/incr/n', undefined, headers)).toBe(200);
    const trace = `projects/${running.env.GOOGLE_CLOUD_PROJECT ?? ''}/traces/${traceId}`;
    const traced = (output: string, message: string) =>
      entries(output).some((entry) => entry.message === message && entry['logging.googleapis.com/trace'] === trace);
    expect(traced(running.web.output(), 'request')).toBe(true);
    await eventually(() => (traced(running.worker.output(), 'events applied') ? true : undefined), {
      what: "the worker's traced line",
    });
    // Nothing an attacker could replay is in any line: no token, no cookie value.
    expect(running.output()).not.toMatch(/sessid=[A-Za-z0-9_-]{20,}/);
  });
});
