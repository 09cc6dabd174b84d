import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BundleError } from './errors.js';
import type { PackageManifest, Workspace, WorkspacePackage } from './manifest.js';

export function readManifest(file: string): PackageManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new BundleError('workspace', `cannot read ${file}`, { cause: error });
  }
  const manifest = parsed as Partial<PackageManifest> | null;
  if (typeof manifest?.name !== 'string' || typeof manifest.version !== 'string') {
    throw new BundleError('workspace', `${file} has no name or version`);
  }
  return manifest as PackageManifest;
}

/** The folders the root package.json's `workspaces` names (`dir` or `dir/*` patterns). */
function workspaceDirs(root: string, patterns: readonly string[]): string[] {
  return patterns.flatMap((pattern) => {
    if (!pattern.includes('*')) return [pattern];
    if (!pattern.endsWith('/*') || pattern.slice(0, -2).includes('*')) {
      throw new BundleError('workspace', `workspace pattern ${pattern}: only "dir" and "dir/*" are supported`);
    }
    const parent = pattern.slice(0, -2);
    return readdirSync(join(root, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${parent}/${entry.name}`);
  });
}

interface RootManifest {
  readonly workspaces?: unknown;
  readonly allowScripts?: unknown;
}

function readRootManifest(root: string): RootManifest {
  try {
    return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as RootManifest;
  } catch (error) {
    throw new BundleError('workspace', `cannot read ${join(root, 'package.json')}`, { cause: error });
  }
}

/** The root package.json's npm install-script policy (`allowScripts`), if it has one. */
export function readInstallScriptPolicy(root: string): Record<string, boolean> | undefined {
  const policy = readRootManifest(root).allowScripts;
  if (policy === undefined) return undefined;
  if (typeof policy !== 'object' || policy === null || !Object.values(policy).every((v) => typeof v === 'boolean')) {
    throw new BundleError('workspace', `${join(root, 'package.json')}: allowScripts is not a map of booleans`);
  }
  return policy as Record<string, boolean>;
}

/** Every workspace package of the repository at `root`, by name. */
export function readWorkspace(root: string): Workspace {
  const patterns = readRootManifest(root).workspaces;
  if (!Array.isArray(patterns) || !patterns.every((p): p is string => typeof p === 'string')) {
    throw new BundleError('workspace', `${join(root, 'package.json')} has no "workspaces" list`);
  }
  const packages = new Map<string, WorkspacePackage>();
  for (const dir of workspaceDirs(root, patterns)) {
    const file = join(root, dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = readManifest(file);
    const other = packages.get(manifest.name);
    if (other !== undefined) throw new BundleError('workspace', `${manifest.name} is in both ${other.dir} and ${dir}`);
    packages.set(manifest.name, { dir, manifest });
  }
  return packages;
}
