import { BundleError } from './errors.js';

/** The parts of a package.json the bundler reads. */
export interface PackageManifest {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  readonly license?: string;
  readonly main?: string;
  readonly exports?: unknown;
  readonly dependencies?: Readonly<Record<string, string>>;
  /** Needed at run time as one copy shared with the app (npm installs them): bundled like dependencies. */
  readonly peerDependencies?: Readonly<Record<string, string>>;
}

/**
 * What a package needs installed to run: its dependencies and its peer dependencies, less type
 * packages (`@types/*`, which a published package depends on for its declarations: nothing
 * type-checks against a bundle).
 */
export function runtimeRanges(manifest: PackageManifest): Record<string, string> {
  const all = Object.entries({ ...manifest.peerDependencies, ...manifest.dependencies });
  return Object.fromEntries(all.filter(([name]) => !name.startsWith('@types/')));
}

/** One workspace package: its manifest and its folder, relative to the repository root. */
export interface WorkspacePackage {
  readonly dir: string;
  readonly manifest: PackageManifest;
}

/** Every workspace package, by name. */
export type Workspace = ReadonlyMap<string, WorkspacePackage>;

/** What an app needs at run time. */
export interface RuntimeDependencies {
  /** Workspace packages the app uses, directly or through each other, sorted by name. */
  readonly workspacePackages: readonly string[];
  /** Third-party packages (name → semver range as the package.json files give it), sorted by name. */
  readonly dependencies: Readonly<Record<string, string>>;
}

/** Where the bundle keeps the vendored copy of a workspace package: `libs/<name without scope>`. */
export function vendoredDir(name: string): string {
  return `libs/${name.slice(name.indexOf('/') + 1)}`;
}

function scopeOf(name: string): string | undefined {
  return name.startsWith('@') ? name.slice(0, name.indexOf('/')) : undefined;
}

function sortedRecord(entries: Iterable<[string, string]>): Record<string, string> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The workspace packages `app` uses (transitively) and the union of their third-party runtime
 * dependencies (peer dependencies included: the bundle is the app that provides them),
 * `devDependencies` left out. Throws when two packages ask for different ranges
 * of one dependency, or when a dependency in the workspace's own scope is not a workspace package
 * (npm would fetch a stranger's package of that name from the registry).
 */
export function collectRuntimeDependencies(appName: string, workspace: Workspace): RuntimeDependencies {
  const app = workspace.get(appName);
  if (app === undefined) throw new BundleError('workspace', `${appName} is not a workspace package`);
  const scope = scopeOf(appName);
  const used = new Set<string>();
  const wanted = new Map<string, Map<string, string[]>>();
  const visit = (name: string, pkg: WorkspacePackage): void => {
    const children: [string, WorkspacePackage][] = [];
    for (const [dep, range] of Object.entries(runtimeRanges(pkg.manifest))) {
      const local = workspace.get(dep);
      if (local !== undefined) {
        children.push([dep, local]);
      } else if (scope !== undefined && scopeOf(dep) === scope) {
        throw new BundleError(
          'workspace',
          `${name} (${pkg.dir}) depends on ${dep}, which is in the workspace's scope but no workspace package has that name`,
        );
      } else {
        const ranges = wanted.get(dep) ?? new Map<string, string[]>();
        ranges.set(range, [...(ranges.get(range) ?? []), pkg.dir]);
        wanted.set(dep, ranges);
      }
    }
    for (const [dep, local] of children) {
      if (used.has(dep) || dep === appName) continue;
      used.add(dep);
      visit(dep, local);
    }
  };
  visit(appName, app);
  const conflicts = [...wanted].filter(([, ranges]) => ranges.size > 1);
  if (conflicts.length > 0) {
    const lines = conflicts.map(
      ([dep, ranges]) =>
        `  ${dep}: ${[...ranges].map(([range, dirs]) => `${range} (${dirs.join(', ')})`).join(' vs ')}`,
    );
    throw new BundleError(
      'dependencies',
      `${appName}: workspace packages ask for different versions of the same dependency; align them:\n${lines.join('\n')}`,
    );
  }
  return {
    workspacePackages: [...used].sort(),
    dependencies: sortedRecord([...wanted].map(([dep, ranges]) => [dep, [...ranges.keys()][0] ?? '*'])),
  };
}

/** Repository-wide settings the bundle's package.json carries over. */
export interface BundleManifestOptions {
  /**
   * npm's install-script policy (`allowScripts`, package name → allowed), so that installing the
   * bundle runs the same install scripts as installing the repository. @defaultValue none
   */
  readonly allowScripts?: Readonly<Record<string, boolean>>;
}

/** The package.json App Engine installs and starts: third-party deps plus `file:` links to the vendored libs. */
export function bundleManifest(
  app: PackageManifest,
  runtime: RuntimeDependencies,
  options: BundleManifestOptions = {},
): Record<string, unknown> {
  const local = runtime.workspacePackages.map((name): [string, string] => [name, `file:${vendoredDir(name)}`]);
  return {
    name: app.name,
    version: app.version,
    private: true,
    ...(app.description === undefined ? {} : { description: app.description }),
    ...(app.license === undefined ? {} : { license: app.license }),
    type: 'module',
    engines: { node: '>=20' },
    scripts: { start: 'node dist/main.js' },
    dependencies: sortedRecord([...Object.entries(runtime.dependencies), ...local]),
    ...(options.allowScripts === undefined ? {} : { allowScripts: options.allowScripts }),
  };
}

/** The `default` target of one `exports` entry (conditions such as `source` and `types` point at files the bundle leaves out). */
function defaultTarget(name: string, subpath: string, entry: unknown): string {
  if (typeof entry === 'string') return entry;
  if (typeof entry === 'object' && entry !== null && 'default' in entry && typeof entry.default === 'string') {
    return entry.default;
  }
  throw new BundleError('workspace', `${name}: exports["${subpath}"] has no "default" target to run from dist`);
}

function runtimeExports(name: string, exports: unknown): unknown {
  if (exports === undefined || typeof exports === 'string') return exports;
  if (typeof exports !== 'object' || exports === null) {
    throw new BundleError('workspace', `${name}: "exports" is neither a string nor an object`);
  }
  const entries = Object.entries(exports);
  // A conditions object at the top (no "." keys) stands for the "." entry.
  if (!entries.every(([key]) => key.startsWith('.'))) return defaultTarget(name, '.', exports);
  return Object.fromEntries(entries.map(([subpath, entry]) => [subpath, defaultTarget(name, subpath, entry)]));
}

/**
 * The package.json of a vendored workspace package: name, version, type and its runtime
 * `exports`, and no dependencies: the bundle's own package.json declares all of them, so npm
 * installs each once, at the top, where Node finds it from the vendored files too, and never
 * looks up the workspace's own packages in the registry.
 */
export function vendoredManifest(lib: PackageManifest): Record<string, unknown> {
  const exports = runtimeExports(lib.name, lib.exports);
  return {
    name: lib.name,
    version: lib.version,
    private: true,
    ...(lib.license === undefined ? {} : { license: lib.license }),
    type: 'module',
    ...(lib.main === undefined ? {} : { main: lib.main }),
    ...(exports === undefined ? {} : { exports }),
  };
}
