import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readAppYaml } from './app-yaml.js';
import { BundleError } from './errors.js';
import { listFiles, selectDistFiles } from './files.js';
import { undeclaredImports, type UndeclaredImport } from './imports.js';
import {
  bundleManifest,
  collectRuntimeDependencies,
  runtimeRanges,
  vendoredDir,
  vendoredManifest,
  type BundleManifestOptions,
  type RuntimeDependencies,
  type Workspace,
  type WorkspacePackage,
} from './manifest.js';

/** One App Engine service to bundle. */
export interface ServiceSpec {
  /** App Engine service name, as its app.yaml must say. */
  readonly service: string;
  /** Folder of the bundle under the output directory. */
  readonly folder: string;
  /** The app's workspace folder, relative to the repository root. */
  readonly appDir: string;
  /** Its app.yaml, relative to the repository root. */
  readonly appYaml: string;
}

/** A written service bundle. */
export interface ServiceBundle extends RuntimeDependencies {
  readonly service: string;
  /** Absolute path of the bundle folder. */
  readonly dir: string;
  /** Number of files written. */
  readonly files: number;
}

export interface ServiceBundleOptions extends BundleManifestOptions {
  /** Progress lines. @defaultValue silent */
  readonly log?: (line: string) => void;
}

interface PackageFiles {
  readonly name: string;
  readonly pkg: WorkspacePackage;
  /** Paths under dist/ to copy. */
  readonly dist: readonly string[];
}

/** Everything checked, nothing written yet. */
export interface ServicePlan {
  readonly spec: ServiceSpec;
  readonly root: string;
  readonly includes: readonly string[];
  readonly app: PackageFiles;
  readonly libs: readonly PackageFiles[];
  readonly runtime: RuntimeDependencies;
}

function appPackage(workspace: Workspace, appDir: string): [string, WorkspacePackage] {
  const found = [...workspace].find(([, pkg]) => pkg.dir === appDir);
  if (found === undefined) throw new BundleError('workspace', `${appDir} is not a workspace package`);
  return found;
}

function packageFiles(root: string, name: string, pkg: WorkspacePackage, sourceMaps: boolean): PackageFiles {
  const dir = join(root, pkg.dir);
  const dist = selectDistFiles(listFiles(join(dir, 'dist')), listFiles(join(dir, 'src')), { sourceMaps });
  if (!dist.some((file) => file.endsWith('.js'))) {
    throw new BundleError('files', `${pkg.dir}/dist holds no compiled sources: build first (npm run build)`);
  }
  return { name, pkg, dist };
}

function checkImports(root: string, packages: readonly PackageFiles[]): void {
  const problems: UndeclaredImport[] = packages.flatMap(({ name, pkg, dist }) => {
    const files = dist
      .filter((file) => file.endsWith('js'))
      .map((file) => ({
        path: `${pkg.dir}/dist/${file}`,
        code: readFileSync(join(root, pkg.dir, 'dist', file), 'utf8'),
      }));
    return undeclaredImports(files, name, new Set(Object.keys(runtimeRanges(pkg.manifest))));
  });
  if (problems.length > 0) {
    const lines = problems.map((p) => `  ${p.file} imports ${p.packageName}`);
    throw new BundleError(
      'imports',
      `compiled code imports packages its package.json does not list in "dependencies" or "peerDependencies":\n${lines.join('\n')}`,
    );
  }
}

/**
 * Checks one service without writing anything: its app.yaml names the expected service and its
 * includes exist, every package it uses is built, their dependency ranges agree, and their
 * compiled code imports only what their package.json files declare.
 */
export function planService(
  root: string,
  workspace: Workspace,
  spec: ServiceSpec,
  options: { readonly sourceMaps?: boolean } = {},
): ServicePlan {
  const sourceMaps = options.sourceMaps ?? false;
  const appYamlFile = join(root, spec.appYaml);
  const appYaml = readAppYaml(appYamlFile);
  if (appYaml.service !== spec.service) {
    throw new BundleError('yaml', `${spec.appYaml} deploys service "${appYaml.service}", expected "${spec.service}"`);
  }
  for (const include of appYaml.includes) {
    if (!existsSync(join(dirname(appYamlFile), include))) {
      throw new BundleError('files', `${spec.appYaml} includes ${include}, which does not exist`);
    }
  }
  const [appName, appPkg] = appPackage(workspace, spec.appDir);
  const runtime = collectRuntimeDependencies(appName, workspace);
  const app = packageFiles(root, appName, appPkg, sourceMaps);
  if (!app.dist.includes('main.js')) throw new BundleError('files', `${spec.appDir}/dist/main.js is missing`);
  const libs = runtime.workspacePackages.map((name) => {
    const pkg = workspace.get(name);
    if (pkg === undefined) throw new BundleError('workspace', `${name} vanished from the workspace`);
    return packageFiles(root, name, pkg, sourceMaps);
  });
  checkImports(root, [app, ...libs]);
  return { spec, root, includes: appYaml.includes, app, libs, runtime };
}

function copyDist(from: string, to: string, files: readonly string[]): void {
  for (const file of files) {
    mkdirSync(dirname(join(to, file)), { recursive: true });
    copyFileSync(join(from, file), join(to, file));
  }
}

const GCLOUDIGNORE = `# App Engine installs the dependencies from package.json itself: upload no node_modules.
.gcloudignore
node_modules/
`;

function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Writes one deployable folder, `<outDir>/<spec.folder>` (replaced if it exists): app.yaml and
 * its includes, .gcloudignore, package.json with only the runtime dependencies, the app's
 * compiled dist/, and each workspace package it uses under `libs/<name>/` (package.json + dist/).
 */
export function writeService(plan: ServicePlan, outDir: string, options: ServiceBundleOptions = {}): ServiceBundle {
  const { spec, root, app, libs, runtime } = plan;
  const dir = join(outDir, spec.folder);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const appYamlFile = join(root, spec.appYaml);
  copyFileSync(appYamlFile, join(dir, 'app.yaml'));
  for (const include of plan.includes)
    cpSync(join(dirname(appYamlFile), include), join(dir, include), { recursive: true });
  writeFileSync(join(dir, '.gcloudignore'), GCLOUDIGNORE);
  writeJson(join(dir, 'package.json'), bundleManifest(app.pkg.manifest, runtime, options));
  copyDist(join(root, spec.appDir, 'dist'), join(dir, 'dist'), app.dist);
  for (const lib of libs) {
    const libDir = join(dir, vendoredDir(lib.name));
    writeJson(join(libDir, 'package.json'), vendoredManifest(lib.pkg.manifest));
    copyDist(join(root, lib.pkg.dir, 'dist'), join(libDir, 'dist'), lib.dist);
  }
  const files = 3 + plan.includes.length + app.dist.length + libs.reduce((n, lib) => n + 1 + lib.dist.length, 0);
  const deps = Object.keys(runtime.dependencies);
  options.log?.(
    `${spec.folder}: ${files} files; workspace packages: ${runtime.workspacePackages.join(', ')}; ` +
      `dependencies: ${deps.join(', ')}`,
  );
  return { service: spec.service, dir, files, ...runtime };
}
