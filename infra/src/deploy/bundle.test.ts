// bundle() on a small fake repository in a temporary folder: the file layout it writes, and the
// mistakes it refuses before writing anything. (The lockfile, which npm prunes, is left out
// here: bundle.int.test.ts writes it and installs from it.)
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundle } from './bundle.js';
import { BundleError, type BundleFailure } from './errors.js';
import { listFiles } from './files.js';

let root: string;
let out: string;

function write(file: string, content: unknown): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), typeof content === 'string' ? content : JSON.stringify(content));
}

function pkg(name: string, dependencies: Record<string, string>, extra: Record<string, unknown> = {}) {
  return { name, version: '1.0.0', type: 'module', dependencies, ...extra };
}

const exportsField = { '.': { source: './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' } };

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'gaesession-fake-repo-'));
  out = join(root, 'out');
  write('package.json', { workspaces: ['libs/*', 'apps/*'], allowScripts: { esbuild: false } });
  write('queue.yaml', 'queue: []\n');
  write('cron.yaml', 'cron: []\n');
  write('app.yaml', 'runtime: nodejs22\nservice: default\n');
  write('apps/worker/app.yaml', 'runtime: nodejs22\nservice: worker\n');
  write('libs/a/package.json', pkg('@x/a', { zod: '^4' }, { exports: exportsField }));
  write('libs/a/src/index.ts', '');
  write('libs/a/src/index.test.ts', '');
  write('libs/a/dist/index.js', "import { z } from 'zod';\n");
  write('libs/a/dist/index.test.js', "import { it } from 'vitest';\n");
  write('libs/a/dist/index.d.ts', '');
  for (const app of ['web', 'worker']) {
    write(
      `apps/${app}/package.json`,
      pkg(`@x/${app}`, { '@x/a': '1.0.0', express: '^5' }, { devDependencies: { vitest: '^4' } }),
    );
    write(`apps/${app}/src/main.ts`, '');
    write(`apps/${app}/dist/main.js`, "import express from 'express';\nimport { a } from '@x/a';\n");
    write(`apps/${app}/dist/main.js.map`, '{}');
  }
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function failure(): BundleError {
  try {
    bundle({ root, outDir: out, build: false, lockfile: false });
  } catch (error) {
    if (error instanceof BundleError) return error;
    throw error;
  }
  throw new Error('expected a BundleError');
}

function expectRefused(reason: BundleFailure): void {
  const error = failure();
  expect(error.code).toBe('DEPLOY_BUNDLE_FAILED');
  expect(error.reason).toBe(reason);
  expect(existsSync(out)).toBe(false);
}

describe('bundle', () => {
  it('writes each service with its compiled code, vendored libs and a package.json of runtime deps', () => {
    const result = bundle({ root, outDir: out, build: false, lockfile: false });
    expect(listFiles(out)).toEqual([
      'cron.yaml',
      'queue.yaml',
      ...['web', 'worker'].flatMap((app) => [
        `${app}/.gcloudignore`,
        `${app}/app.yaml`,
        `${app}/dist/main.js`,
        `${app}/libs/a/dist/index.js`,
        `${app}/libs/a/package.json`,
        `${app}/package.json`,
      ]),
    ]);
    expect(JSON.parse(readFileSync(join(out, 'web', 'package.json'), 'utf8'))).toMatchObject({
      name: '@x/web',
      dependencies: { '@x/a': 'file:libs/a', express: '^5', zod: '^4' },
      allowScripts: { esbuild: false },
    });
    expect(JSON.parse(readFileSync(join(out, 'web', 'libs', 'a', 'package.json'), 'utf8'))).toEqual({
      name: '@x/a',
      version: '1.0.0',
      private: true,
      type: 'module',
      exports: { '.': './dist/index.js' },
    });
    expect(result.services.map((service) => service.files)).toEqual([6, 6]);
  });

  it('ships the source maps when asked to', () => {
    bundle({ root, outDir: out, build: false, sourceMaps: true, lockfile: false });
    expect(existsSync(join(out, 'web', 'dist', 'main.js.map'))).toBe(true);
  });

  it('replaces an earlier bundle and leaves other files in the output folder alone', () => {
    mkdirSync(join(out, 'web', 'dist'), { recursive: true });
    writeFileSync(join(out, 'web', 'dist', 'stale.js'), '');
    writeFileSync(join(out, 'notes.txt'), 'mine');
    bundle({ root, outDir: out, build: false, lockfile: false });
    expect(existsSync(join(out, 'web', 'dist', 'stale.js'))).toBe(false);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('copies the files an app.yaml includes', () => {
    write('apps/worker/app.yaml', 'runtime: nodejs22\nservice: worker\nincludes:\n  - env/secrets.yaml\n');
    write('apps/worker/env/secrets.yaml', 'env_variables:\n  COOKIE_SECRETS: s\n');
    bundle({ root, outDir: out, build: false, lockfile: false });
    expect(readFileSync(join(out, 'worker', 'env', 'secrets.yaml'), 'utf8')).toContain('COOKIE_SECRETS');
  });

  it('refuses, writing nothing, code that imports a package its package.json does not declare', () => {
    write('libs/a/dist/index.js', "import { z } from 'zod';\nimport Redis from 'ioredis';\n");
    expectRefused('imports');
    expect(failure().message).toContain('libs/a/dist/index.js imports ioredis');
  });

  it('refuses, writing nothing, an unbuilt workspace package', () => {
    rmSync(join(root, 'libs', 'a', 'dist'), { recursive: true });
    expectRefused('files');
  });

  it('refuses, writing nothing, an app.yaml for another service', () => {
    write('apps/worker/app.yaml', 'runtime: nodejs22\nservice: default\n');
    expectRefused('yaml');
  });

  it('refuses, writing nothing, an include that does not exist', () => {
    write('app.yaml', 'runtime: nodejs22\nincludes:\n  - secrets.yaml\n');
    expectRefused('files');
  });

  it('refuses, writing nothing, when queue.yaml is missing', () => {
    rmSync(join(root, 'queue.yaml'));
    expectRefused('files');
  });

  it('refuses, writing nothing, when the repository has no package-lock.json to derive the bundles’ from', () => {
    expect(() => bundle({ root, outDir: out, build: false })).toThrow(/package-lock\.json is missing: run npm install/);
    expect(existsSync(out)).toBe(false);
  });

  it('merges queue.yaml and cron.yaml into the app’s own when given, and refuses a drop before writing', () => {
    write('theirs/queue.yaml', 'queue:\n  - name: emails\n    rate: 5/s\n');
    write('theirs/cron.yaml', 'cron:\n  - url: /a\n    schedule: every 5 minutes\n');
    write('queue.yaml', 'queue:\n  - name: session-events\n    target: worker\n');
    write('cron.yaml', 'cron:\n  - url: /a\n    schedule: every 30 minutes\n');
    const lines: string[] = [];
    const existing = { queueYaml: join(root, 'theirs/queue.yaml'), cronYaml: join(root, 'theirs/cron.yaml') };
    bundle({ root, outDir: out, build: false, lockfile: false, existing, log: (line) => lines.push(line) });
    expect(readFileSync(join(out, 'queue.yaml'), 'utf8')).toBe(
      'queue:\n  - name: emails\n    rate: 5/s\n  - name: session-events\n    target: worker\n',
    );
    expect(readFileSync(join(out, 'cron.yaml'), 'utf8')).toBe('cron:\n  - url: /a\n    schedule: every 5 minutes\n');
    expect(lines).toContainEqual(expect.stringContaining('/a (target default) is in'));
    rmSync(out, { recursive: true });
    let refused: unknown;
    try {
      bundle({ root, outDir: out, build: false, lockfile: false, existing: { ...existing, preferOurs: true } });
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ reason: 'drop' });
    expect(existsSync(out)).toBe(false);
  });
});
