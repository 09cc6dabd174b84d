// The bundle's package-lock.json: the repository's lockfile pruned to what the bundle installs,
// so App Engine (which runs `npm ci` when a package-lock.json is present) installs exactly the
// versions the repository was tested with.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BundleError } from './errors.js';

/** The lockfile at the repository root. */
export const ROOT_LOCKFILE = 'package-lock.json';

/** The parts of a package-lock.json (v2/v3) this reads. */
export interface Lockfile {
  readonly lockfileVersion?: number;
  readonly packages?: Readonly<
    Record<string, { readonly version?: string; readonly link?: boolean; readonly name?: string }>
  >;
}

/** `node_modules/a/node_modules/@b/c` → `@b/c`. */
function packageName(path: string, entry: { readonly name?: string }): string {
  return entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

/** Every installed `name@version` of a lockfile (links and workspace folders left out). */
export function lockedVersions(lock: Lockfile): Set<string> {
  const versions = new Set<string>();
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (!path.includes('node_modules/') || entry.link === true || entry.version === undefined) continue;
    versions.add(`${packageName(path, entry)}@${entry.version}`);
  }
  return versions;
}

/**
 * The bundle lockfile's packages the root lockfile does not hold at that version (sorted):
 * what `npm ci` would install untested. Empty when the bundle installs only tested versions.
 */
export function untestedPackages(root: Lockfile, bundle: Lockfile): string[] {
  const tested = lockedVersions(root);
  return [...lockedVersions(bundle)].filter((found) => !tested.has(found)).sort();
}

function readLockfile(file: string): Lockfile {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Lockfile;
  } catch (error) {
    throw new BundleError('dependencies', `cannot read ${file}`, { cause: error });
  }
}

/** Checks that the repository has a lockfile to derive the bundles' from. */
export function checkRootLockfile(root: string): void {
  const file = join(root, ROOT_LOCKFILE);
  if (!existsSync(file)) throw new BundleError('files', `${file} is missing: run npm install to write it`);
  const lock = readLockfile(file);
  if ((lock.lockfileVersion ?? 1) < 2 || lock.packages === undefined)
    throw new BundleError(
      'dependencies',
      `${file} is lockfileVersion ${lock.lockfileVersion ?? 1}: npm 7 or later writes the version the bundle needs (2 or 3)`,
    );
}

/**
 * Writes `<dir>/package-lock.json` for the bundle whose package.json is in `dir`: the root lockfile,
 * copied there and pruned by `npm install --package-lock-only --offline` to the bundle's
 * dependencies (npm keeps every locked version that satisfies package.json, and needs the network
 * for nothing else: offline, it fails instead of resolving a version anew). Then checks that every
 * package it locks is one the root lockfile holds at that version. Returns how many packages it locks.
 */
export function writeBundleLockfile(root: string, dir: string): number {
  const target = join(dir, ROOT_LOCKFILE);
  copyFileSync(join(root, ROOT_LOCKFILE), target);
  // No npm_* variables from an `npm run deploy:bundle` around this: only the bundle counts.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_')));
  const result = spawnSync(
    'npm',
    ['install', '--package-lock-only', '--ignore-scripts', '--offline', '--no-audit', '--no-fund', '--loglevel=error'],
    { cwd: dir, env, encoding: 'utf8' },
  );
  if (result.error !== undefined) throw new BundleError('dependencies', 'could not run npm', { cause: result.error });
  if (result.status !== 0) {
    const output = `${result.stdout}${result.stderr}`.trim().split('\n').slice(-5).join('\n');
    throw new BundleError(
      'dependencies',
      `npm could not prune ${ROOT_LOCKFILE} for ${dir} offline (a dependency needs a version the root lockfile does not hold? run npm install at the root):\n${output}`,
    );
  }
  const bundleLock = readLockfile(target);
  const untested = untestedPackages(readLockfile(join(root, ROOT_LOCKFILE)), bundleLock);
  if (untested.length > 0)
    throw new BundleError(
      'dependencies',
      `${target} locks versions the repository's lockfile does not: ${untested.join(', ')}`,
    );
  return lockedVersions(bundleLock).size;
}
