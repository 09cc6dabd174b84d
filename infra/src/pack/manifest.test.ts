// Every public package is publishable as it stands, and every package moves with one version.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../stack/state.js';
import { publicPackages, workspacePackages, type Manifest } from './packages.js';

const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const all = workspacePackages(ROOT);
const published = publicPackages(ROOT);

/** Third-party packages that must be one copy in an app (instances cross package boundaries): peers, never dependencies. */
const SINGLE_COPY = ['ioredis', '@grpc/grpc-js', '@google-cloud/datastore', 'express-session'];

describe('versions', () => {
  it('every workspace package has the root version', () => {
    expect(all.filter(({ manifest }) => manifest.version !== root.version).map(({ dir }) => dir)).toEqual([]);
  });

  it('every @gaesession/* dependency asks for exactly that version', () => {
    const wrong = all.flatMap(({ dir, manifest }) =>
      [manifest.dependencies, manifest.peerDependencies, manifest.devDependencies].flatMap((deps) =>
        Object.entries(deps ?? {})
          .filter(([name, range]) => name.startsWith('@gaesession/') && range !== root.version)
          .map(([name, range]) => `${dir}: ${name}@${range}`),
      ),
    );
    expect(wrong).toEqual([]);
  });
});

describe('public packages', () => {
  it('are the libraries, the express-session store and the worker; the rest is private', () => {
    expect(published.map(({ manifest }) => manifest.name)).toEqual([
      '@gaesession/worker',
      '@gaesession/cache',
      '@gaesession/config',
      '@gaesession/core',
      '@gaesession/events',
      '@gaesession/express-session',
      '@gaesession/persistence',
      '@gaesession/queue',
      '@gaesession/session',
      '@gaesession/store',
    ]);
  });

  it.each(published.map(({ dir, manifest }) => [dir, manifest] as const))('%s is publishable', (dir, manifest) => {
    expect(manifest.license).toBe('Apache-2.0');
    expect(readFileSync(join(ROOT, dir, 'LICENSE'), 'utf8')).toBe(readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
    expect(existsSync(join(ROOT, dir, 'README.md'))).toBe(true);
    expect(manifest.repository).toEqual({ ...root.repository, directory: dir });
    expect(manifest.bugs).toEqual(root.bugs);
    expect(manifest.homepage).toMatch(new RegExp(`/tree/main/${dir}#readme$`));
    expect(manifest.keywords?.length).toBeGreaterThan(0);
    expect(manifest.publishConfig).toEqual({ access: 'public' });
    // A clean build: dist and the build info go first, so no output of a deleted source is packed.
    // A package whose tsconfig.json is a check-only program builds from tsconfig.build.json.
    expect(manifest.scripts?.prepack).toMatch(
      /^node -e "for \(const p of \['dist', .*rmSync.*&& tsc -b( tsconfig\.build\.json)?$/,
    );
    // dist and the sources the `source` condition names, without tests or fixtures.
    expect(manifest.files).toEqual(expect.arrayContaining(['dist', 'src', '!src/**/*.test.ts', '!dist/**/*.test.*']));
    for (const [subpath, targets] of Object.entries(manifest.exports ?? {})) {
      expect(Object.keys(targets), subpath).toEqual(['source', 'types', 'default']);
      expect(targets.source, subpath).toMatch(/^\.\/src\/.+\.ts$/);
      expect(targets.types, subpath).toBe(targets.source?.replace('./src/', './dist/').replace(/\.ts$/, '.d.ts'));
      expect(targets.default, subpath).toBe(targets.source?.replace('./src/', './dist/').replace(/\.ts$/, '.js'));
    }
    const deps = Object.keys(manifest.dependencies ?? {});
    expect(deps.filter((name) => SINGLE_COPY.includes(name))).toEqual([]);
  });

  it('pin memjs exactly (the cache uses its internals) and ship its types', () => {
    const cache = published.find(({ manifest }) => manifest.name === '@gaesession/cache')?.manifest;
    expect(cache?.dependencies?.memjs).toMatch(/^\d+\.\d+\.\d+$/);
    expect(cache?.dependencies?.['@types/memjs']).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
