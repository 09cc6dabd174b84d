// Bundles both services into a folder outside the repository, installs them with `npm ci` from
// their package-lock.json the way App Engine does, boots them with `npm start`, and drives one
// change through to Datastore.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@gaesession/testkit';
import { ROOT } from '../stack/state.js';
import { startApps, type RunningApps } from '../testing/apps.fixture.js';
import { buildRepository } from '../testing/build.fixture.js';
import { listFiles } from './files.js';
import { bundle, type BundleResult } from './bundle.js';
import { lockedVersions, untestedPackages, type Lockfile } from './lockfile.js';

const log = (line: string): void => {
  console.log(`[bundle test] ${line}`);
};

/** Runs a command; resolves with its output, rejects with it on a non-zero exit. */
function run(command: string, args: readonly string[], cwd: string): Promise<string> {
  // No npm_* variables from an `npm test` that started vitest: the install must see only the bundle.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_')));
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} in ${cwd} exited ${code}:\n${output}`));
    });
  });
}

function ancestors(dir: string): string[] {
  const parent = dirname(dir);
  return parent === dir ? [dir] : [dir, ...ancestors(parent)];
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

describe('deployment bundle', () => {
  // Outside the checkout: the bundle must not find the repository's node_modules.
  const outDir = realpathSync(mkdtempSync(join(tmpdir(), 'gaesession-bundle-')));
  let result: BundleResult;
  const installMs: Record<string, number> = {};

  beforeAll(async () => {
    await buildRepository(log);
    result = bundle({ outDir, build: false, log });
    await Promise.all(
      result.services.map(async (service) => {
        const t0 = Date.now();
        // As App Engine installs a bundle with a lockfile; from npm's cache where it can.
        await run('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], service.dir);
        installMs[service.service] = Date.now() - t0;
        log(`npm ci in ${service.dir}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }),
    );
  }, 240_000);

  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
  });

  it('writes web and worker folders with their app.yaml, and queue.yaml and cron.yaml beside them', () => {
    expect(result.services.map((s) => [s.service, s.dir])).toEqual([
      ['default', join(outDir, 'web')],
      ['worker', join(outDir, 'worker')],
    ]);
    expect(readFileSync(join(outDir, 'web', 'app.yaml'), 'utf8')).toBe(readFileSync(join(ROOT, 'app.yaml'), 'utf8'));
    expect(readFileSync(join(outDir, 'worker', 'app.yaml'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'apps', 'worker', 'app.yaml'), 'utf8'),
    );
    for (const file of ['queue.yaml', 'cron.yaml']) {
      expect(readFileSync(join(outDir, file), 'utf8')).toBe(readFileSync(join(ROOT, file), 'utf8'));
    }
    expect(result.deployCommands).toEqual([
      `gcloud app deploy ${join(outDir, 'web', 'app.yaml')}`,
      `gcloud app deploy ${join(outDir, 'worker', 'app.yaml')}`,
      `gcloud app deploy ${join(outDir, 'queue.yaml')}`,
      `gcloud app deploy ${join(outDir, 'cron.yaml')}`,
    ]);
  });

  it('ships compiled code only: no sources, tests, declarations or maps', () => {
    for (const service of result.services) {
      const shipped = listFiles(service.dir).filter((file) => !file.startsWith('node_modules/'));
      expect(shipped).toContain('dist/main.js');
      expect(
        shipped.filter((file) => /\.(ts|map|tsbuildinfo)$|\.test\.js$|\.fixture\.js$|(^|\/)src\//.test(file)),
      ).toEqual([]);
    }
  });

  it('declares only runtime dependencies, with the workspace libs vendored as file: packages', () => {
    const web = readJson(join(outDir, 'web', 'package.json'));
    expect(web).toMatchObject({ type: 'module', engines: { node: '>=20' }, scripts: { start: 'node dist/main.js' } });
    expect(web).not.toHaveProperty('devDependencies');
    const deps = web.dependencies as Record<string, string>;
    expect(deps['@gaesession/store']).toBe('file:libs/store');
    expect(deps['@gaesession/testkit']).toBeUndefined();
    expect(deps.vitest).toBeUndefined();
    // Versions as the libs' package.json files give them.
    expect(deps.memjs).toBe(
      (readJson(join(ROOT, 'libs', 'cache', 'package.json')).dependencies as Record<string, string>).memjs,
    );
    const worker = readJson(join(outDir, 'worker', 'package.json'));
    expect(Object.keys(worker.dependencies as object)).toContain('prom-client');
    // The bench's peers are no runtime dependency of anything deployed.
    for (const bundle of [web, worker])
      expect(Object.keys(bundle.dependencies as object)).not.toContain('connect-redis');
    expect(readJson(join(outDir, 'web', 'libs', 'store', 'package.json'))).not.toHaveProperty('dependencies');
  });

  it('installs each bundle with npm ci', () => {
    // How long it took depends on the network and npm's cache: printed, not asserted.
    console.log(`[bundle] npm ci: ${JSON.stringify(installMs)} ms`);
    expect(Object.keys(installMs).sort()).toEqual(['default', 'worker']);
  });

  it("locks exactly the repository lockfile's versions, and npm ci installed those", () => {
    const root = readJson(join(ROOT, 'package-lock.json')) as Lockfile;
    for (const service of result.services) {
      const lock = readJson(join(service.dir, 'package-lock.json')) as Lockfile & { name?: string };
      expect(lock.name).toBe(readJson(join(service.dir, 'package.json')).name);
      expect(untestedPackages(root, lock)).toEqual([]);
      // Nothing for development: vitest, typescript and the like are pruned.
      expect([...lockedVersions(lock)].filter((found) => /^(vitest|typescript|eslint)@/.test(found))).toEqual([]);
      // What is installed is what is locked.
      for (const [path, entry] of Object.entries(lock.packages ?? {})) {
        if (!path.startsWith('node_modules/') || entry.link === true || entry.version === undefined) continue;
        const installed = join(service.dir, path, 'package.json');
        if (!existsSync(installed)) continue; // an optional package for another platform
        expect(readJson(installed).version, path).toBe(entry.version);
      }
    }
  });

  it('resolves every dependency inside the bundle, nowhere near the repository', async () => {
    // Outside the checkout, with no node_modules above: a dependency missing from the bundle
    // could not be found anywhere else.
    expect(outDir.startsWith(realpathSync(ROOT) + sep)).toBe(false);
    expect(ancestors(dirname(outDir)).filter((dir) => existsSync(join(dir, 'node_modules')))).toEqual([]);
    for (const service of result.services) {
      const deps = Object.keys(readJson(join(service.dir, 'package.json')).dependencies as object);
      const script = `const r = (n) => import.meta.resolve(n, new URL('./dist/main.js', 'file://${service.dir}/'));
        console.log(JSON.stringify(${JSON.stringify(deps)}.map((n) => [n, r(n)])));`;
      const resolved = JSON.parse(await run(process.execPath, ['--input-type=module', '-e', script], service.dir)) as [
        string,
        string,
      ][];
      expect(resolved).toHaveLength(deps.length);
      for (const [name, url] of resolved) {
        const file = realpathSync(new URL(url));
        expect(file.startsWith(service.dir + sep), `${name} → ${file}`).toBe(true);
      }
    }
  });

  describe('booted with npm start', () => {
    let apps: RunningApps | undefined;

    beforeAll(async () => {
      apps = await startApps({
        webDir: join(outDir, 'web'),
        workerDir: join(outDir, 'worker'),
        launcher: 'npm',
        label: 'bundle',
      });
    }, 90_000);

    afterAll(async () => {
      await apps?.stop();
    });

    it('logs in, writes, and the worker makes the change durable in Datastore', async () => {
      const { web, datastore: test } = apps!;
      let cookie = '';
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(web.url + path, {
          method,
          headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const setCookie = res.headers.getSetCookie()[0];
        if (setCookie !== undefined) cookie = setCookie.split(';')[0] ?? '';
        return { status: res.status, json: (await res.json()) as Record<string, unknown> };
      };
      const login = await call('POST', '/api/login', { user: 'ada' });
      expect(login.status, apps!.output()).toBe(201);
      expect(cookie).toMatch(/^sessid=/);
      const write = await call('PUT', '/api/attrs/x', { value: { from: 'the bundle' } });
      expect(write.status).toBe(200);
      const id = write.json.id as string;
      const version = write.json.version as number;
      expect(version).toBeGreaterThan(login.json.version as number);

      const durability = await eventually(
        async () => {
          const res = await call('GET', '/api/durability');
          return res.json.durable === true ? res.json : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 100, what: 'the change to reach Datastore' },
      );
      expect(durability.durableVersion).toBe(version);

      const { datastore, namespace } = test;
      const [entity] = (await datastore.get(datastore.key({ namespace, path: ['Session', id] }))) as [
        Record<string, unknown> | undefined,
      ];
      expect(entity?.version).toBe(version);
      // The login's user is the session's principal, indexed for listing the user's sessions.
      expect(entity?.principal).toBe('ada');
      const data = JSON.parse(String(entity?.data)) as { constants: unknown; attrs: unknown };
      expect(data.constants).toEqual({ user: 'ada', device: 'Node.js' });
      expect(data.attrs).toEqual({ x: { from: 'the bundle' } });
    });
  });
});
