import { describe, expect, it } from 'vitest';
import { BundleError } from './errors.js';
import {
  bundleManifest,
  collectRuntimeDependencies,
  vendoredDir,
  vendoredManifest,
  type PackageManifest,
  type Workspace,
} from './manifest.js';

function workspaceOf(...manifests: (PackageManifest & { dir?: string })[]): Workspace {
  return new Map(manifests.map(({ dir, ...manifest }) => [manifest.name, { dir: dir ?? manifest.name, manifest }]));
}

const pkg = (name: string, dependencies: Record<string, string> = {}): PackageManifest => ({
  name,
  version: '0.1.0',
  dependencies,
});

function failure(fn: () => unknown): BundleError {
  try {
    fn();
  } catch (error) {
    if (error instanceof BundleError) return error;
    throw error;
  }
  throw new Error('expected a BundleError');
}

describe('collectRuntimeDependencies', () => {
  const workspace = workspaceOf(
    pkg('@s/web', { '@s/store': '0.1.0', express: '^5.3.0' }),
    pkg('@s/store', { '@s/cache': '0.1.0', '@s/session': '0.1.0', zod: '^4.0.0' }),
    pkg('@s/cache', { '@s/session': '0.1.0', memjs: '^1.3.2' }),
    pkg('@s/session'),
    { ...pkg('@s/testkit', { vitest: '^4' }), devDependencies: undefined } as PackageManifest,
  );

  it('follows workspace packages transitively and unions their third-party dependencies', () => {
    expect(collectRuntimeDependencies('@s/web', workspace)).toEqual({
      workspacePackages: ['@s/cache', '@s/session', '@s/store'],
      dependencies: { express: '^5.3.0', memjs: '^1.3.2', zod: '^4.0.0' },
    });
  });

  it('bundles peer dependencies as runtime dependencies, and leaves type packages out', () => {
    const peers = workspaceOf(
      { ...pkg('@s/app', { '@s/cache': '0.1.0' }) },
      { ...pkg('@s/cache', { memjs: '1.3.2', '@types/memjs': '1.3.3' }), peerDependencies: { ioredis: '^5.11.1' } },
    );
    expect(collectRuntimeDependencies('@s/app', peers).dependencies).toEqual({ ioredis: '^5.11.1', memjs: '1.3.2' });
  });

  it('leaves devDependencies out', () => {
    const ws = workspaceOf(
      { ...pkg('@s/app', { a: '^1' }), devDependencies: { '@s/testkit': '0.1.0', b: '^2' } } as PackageManifest,
      pkg('@s/testkit', { c: '^3' }),
    );
    expect(collectRuntimeDependencies('@s/app', ws)).toEqual({ workspacePackages: [], dependencies: { a: '^1' } });
  });

  it('returns dependencies sorted by name, whatever the declaration order', () => {
    const ws = workspaceOf(pkg('@s/app', { zod: '^4', '@b/x': '^1', ioredis: '^5', '@a/y': '^2' }));
    expect(Object.keys(collectRuntimeDependencies('@s/app', ws).dependencies)).toEqual([
      '@a/y',
      '@b/x',
      'ioredis',
      'zod',
    ]);
  });

  it('survives a dependency cycle between workspace packages', () => {
    const ws = workspaceOf(
      pkg('@s/app', { '@s/a': '0.1.0' }),
      pkg('@s/a', { '@s/b': '0.1.0', x: '^1' }),
      pkg('@s/b', { '@s/a': '0.1.0' }),
    );
    expect(collectRuntimeDependencies('@s/app', ws)).toEqual({
      workspacePackages: ['@s/a', '@s/b'],
      dependencies: { x: '^1' },
    });
  });

  it('accepts one range asked for by several packages', () => {
    const ws = workspaceOf(pkg('@s/app', { '@s/a': '0.1.0', x: '^1.2' }), pkg('@s/a', { x: '^1.2' }));
    expect(collectRuntimeDependencies('@s/app', ws).dependencies).toEqual({ x: '^1.2' });
  });

  it('refuses different ranges of one dependency, naming who asks for which', () => {
    const ws = workspaceOf(
      { ...pkg('@s/app', { '@s/a': '0.1.0', x: '^1.2' }), dir: 'apps/app' },
      { ...pkg('@s/a', { x: '^2.0' }), dir: 'libs/a' },
    );
    const error = failure(() => collectRuntimeDependencies('@s/app', ws));
    expect(error.code).toBe('DEPLOY_BUNDLE_FAILED');
    expect(error.reason).toBe('dependencies');
    expect(error.message).toContain('x: ^1.2 (apps/app) vs ^2.0 (libs/a)');
  });

  it("refuses a dependency in the workspace's scope that no workspace package provides", () => {
    const ws = workspaceOf(pkg('@s/app', { '@s/missing': '0.1.0' }));
    const error = failure(() => collectRuntimeDependencies('@s/app', ws));
    expect(error.reason).toBe('workspace');
    expect(error.message).toContain('@s/missing');
  });

  it('refuses an app that is not in the workspace', () => {
    expect(failure(() => collectRuntimeDependencies('@s/nope', workspace)).reason).toBe('workspace');
  });
});

describe('bundleManifest', () => {
  const runtime = { workspacePackages: ['@s/store', '@s/cache'], dependencies: { express: '^5.3.0', zod: '^4' } };

  it('is an ES module package started with node dist/main.js, with file: links to the vendored libs', () => {
    const app = { ...pkg('@s/web', { '@s/store': '0.1.0' }), license: 'Apache-2.0', main: 'dist/main.js' };
    expect(bundleManifest(app, runtime)).toEqual({
      name: '@s/web',
      version: '0.1.0',
      private: true,
      license: 'Apache-2.0',
      type: 'module',
      engines: { node: '>=20' },
      scripts: { start: 'node dist/main.js' },
      dependencies: {
        '@s/cache': 'file:libs/cache',
        '@s/store': 'file:libs/store',
        express: '^5.3.0',
        zod: '^4',
      },
    });
  });

  it('carries the install-script policy over when given', () => {
    const manifest = bundleManifest(pkg('@s/web'), runtime, { allowScripts: { esbuild: false } });
    expect(manifest.allowScripts).toEqual({ esbuild: false });
    expect('allowScripts' in bundleManifest(pkg('@s/web'), runtime)).toBe(false);
  });

  it('has no devDependencies or build scripts for App Engine to run', () => {
    const manifest = bundleManifest(
      { ...pkg('@s/web'), devDependencies: { vitest: '^4' } } as PackageManifest,
      runtime,
    );
    expect(manifest).not.toHaveProperty('devDependencies');
    expect(Object.keys(manifest.scripts as object)).toEqual(['start']);
  });
});

describe('vendoredManifest', () => {
  it('keeps only the runtime export targets and drops every dependency', () => {
    const lib: PackageManifest = {
      ...pkg('@s/store', { '@s/session': '0.1.0', zod: '^4' }),
      description: 'x',
      exports: {
        '.': { source: './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
        './extra': './dist/extra.js',
      },
    };
    expect(vendoredManifest(lib)).toEqual({
      name: '@s/store',
      version: '0.1.0',
      private: true,
      type: 'module',
      exports: { '.': './dist/index.js', './extra': './dist/extra.js' },
    });
  });

  it('reads a top-level conditions object as the "." export', () => {
    const lib = { ...pkg('@s/a'), exports: { types: './dist/index.d.ts', default: './dist/index.js' } };
    expect(vendoredManifest(lib).exports).toBe('./dist/index.js');
  });

  it('refuses an export entry without a default target', () => {
    const lib = { ...pkg('@s/a'), exports: { '.': { source: './src/index.ts' } } };
    expect(failure(() => vendoredManifest(lib)).reason).toBe('workspace');
  });
});

describe('vendoredDir', () => {
  it('is libs/<name without its scope>', () => {
    expect(vendoredDir('@gaesession/session')).toBe('libs/session');
    expect(vendoredDir('plain')).toBe('libs/plain');
  });
});
