import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ROOT } from '../stack/state.js';
import { BundleError } from './errors.js';
import { checkRootLockfile, writeBundleLockfile } from './lockfile.js';
import { planPlatformFile, type PlatformFile, type PlatformFilePlan } from './platform-yaml.js';
import { planService, writeService, type ServiceBundle, type ServiceSpec } from './service.js';
import { readInstallScriptPolicy, readWorkspace } from './workspace.js';

/** The two App Engine services. `default` first: App Engine deploys it before any other service. */
export const SERVICES: readonly ServiceSpec[] = [
  { service: 'default', folder: 'web', appDir: 'apps/web', appYaml: 'app.yaml' },
  { service: 'worker', folder: 'worker', appDir: 'apps/worker', appYaml: 'apps/worker/app.yaml' },
];

/** App-level configuration files deployed on their own, written next to the service folders. */
export const PLATFORM_FILES: readonly string[] = ['queue.yaml', 'cron.yaml'];

/** The app's existing queue.yaml and cron.yaml, to merge ours into (see platform-yaml.ts). */
export interface ExistingPlatformFiles {
  /** Path of the app's current queue.yaml. */
  readonly queueYaml?: string;
  /** Path of the app's current cron.yaml. */
  readonly cronYaml?: string;
  /** Where our entry is there with other settings, write ours. @defaultValue false: keep theirs */
  readonly preferOurs?: boolean;
  /** Write a file that drops an entry of theirs. @defaultValue false: refuse (BundleError 'drop') */
  readonly allowDrop?: boolean;
}

export interface BundleOptions {
  /** Repository root. @defaultValue the checkout this file belongs to */
  readonly root?: string;
  /** Where `web/`, `worker/`, queue.yaml and cron.yaml are written (those are replaced, nothing else). @defaultValue `<root>/.deploy` */
  readonly outDir?: string;
  /** Compile first with `tsc -b tsconfig.build.json`. @defaultValue true */
  readonly build?: boolean;
  /** Copy `.js.map` files too (stack traces then name the TypeScript lines). @defaultValue false */
  readonly sourceMaps?: boolean;
  /** Progress lines. @defaultValue silent */
  readonly log?: (line: string) => void;
  /** Merge queue.yaml and cron.yaml into the app's own. @defaultValue ours alone, with a warning */
  readonly existing?: ExistingPlatformFiles;
  /**
   * Write each bundle's package-lock.json, pruned from the root's (`npm install
   * --package-lock-only --offline`), so App Engine's `npm ci` installs the tested versions.
   * @defaultValue true
   */
  readonly lockfile?: boolean;
}

export interface BundleResult {
  readonly outDir: string;
  readonly services: readonly ServiceBundle[];
  /** The `gcloud app deploy` command lines, in the order to run them. */
  readonly deployCommands: readonly string[];
}

/** Compiles every project (`tsc -b tsconfig.build.json`), output to the terminal. */
export function build(root: string): void {
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  if (!existsSync(tsc)) throw new BundleError('build', `${tsc} not found: run npm ci first`);
  const result = spawnSync(tsc, ['-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (result.error !== undefined) throw new BundleError('build', `could not run tsc`, { cause: result.error });
  if (result.status !== 0) throw new BundleError('build', `tsc -b tsconfig.build.json failed (exit ${result.status})`);
}

/** `gcloud app deploy` lines for the bundle at `outDir`, with paths relative to `cwd` when inside it. */
export function deployCommands(outDir: string, cwd = process.cwd()): string[] {
  const shown = (path: string) => {
    const rel = relative(cwd, path);
    return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  };
  return [
    ...SERVICES.map((spec) => `gcloud app deploy ${shown(join(outDir, spec.folder, 'app.yaml'))}`),
    ...PLATFORM_FILES.map((file) => `gcloud app deploy ${shown(join(outDir, file))}`),
  ];
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new BundleError('files', `cannot read ${what} ${file}`, { cause: error });
  }
}

/** queue.yaml and cron.yaml as the bundle writes them: ours, merged into the app's when given. */
function planPlatformFiles(root: string, existing: ExistingPlatformFiles): PlatformFilePlan[] {
  const files: [PlatformFile, string | undefined][] = [
    ['queue', existing.queueYaml],
    ['cron', existing.cronYaml],
  ];
  return files.map(([file, path]) => {
    const ours = join(root, `${file}.yaml`);
    if (!existsSync(ours)) throw new BundleError('files', `${ours} is missing`);
    const theirs = path === undefined ? undefined : { path, text: readText(path, `your ${file}.yaml`) };
    return planPlatformFile(file, readText(ours, 'our'), theirs, {
      ...(existing.preferOurs === undefined ? {} : { preferOurs: existing.preferOurs }),
      ...(existing.allowDrop === undefined ? {} : { allowDrop: existing.allowDrop }),
    });
  });
}

/**
 * Builds (unless `build: false`) and writes one deployable folder per App Engine service, each
 * with a package-lock.json, plus queue.yaml and cron.yaml (merged into the app's own when
 * `existing` names them), under `outDir`. Checks everything it can before writing anything.
 * Throws {@link BundleError} saying what to fix.
 */
export function bundle(options: BundleOptions = {}): BundleResult {
  const root = resolve(options.root ?? ROOT);
  const outDir = resolve(options.outDir ?? join(root, '.deploy'));
  const log = options.log ?? (() => undefined);
  // First, before a build: a queue.yaml or cron.yaml that would drop an entry is refused at once.
  const platform = planPlatformFiles(root, options.existing ?? {});
  if (options.build ?? true) {
    log('building (tsc -b tsconfig.build.json)...');
    build(root);
  }
  const workspace = readWorkspace(root);
  const allowScripts = readInstallScriptPolicy(root);
  const sourceMaps = options.sourceMaps ?? false;
  // Check both services before writing either: a failed run leaves no half-new bundle.
  const plans = SERVICES.map((spec) => planService(root, workspace, spec, { sourceMaps }));
  const lockfile = options.lockfile ?? true;
  if (lockfile) checkRootLockfile(root);
  mkdirSync(outDir, { recursive: true });
  const services = plans.map((plan) => {
    log(`bundling ${plan.spec.appDir} as service "${plan.spec.service}" into ${join(outDir, plan.spec.folder)}`);
    const written = writeService(plan, outDir, { log, ...(allowScripts === undefined ? {} : { allowScripts }) });
    if (lockfile) {
      const locked = writeBundleLockfile(root, written.dir);
      log(`${plan.spec.folder}: package-lock.json with ${locked} packages, every one at the root lockfile's version`);
    }
    return written;
  });
  for (const { file, text, notes } of platform) {
    writeFileSync(join(outDir, `${file}.yaml`), text);
    for (const note of notes) log(note);
  }
  log(`wrote ${PLATFORM_FILES.join(', ')} to ${outDir}`);
  return { outDir, services, deployCommands: deployCommands(outDir) };
}
