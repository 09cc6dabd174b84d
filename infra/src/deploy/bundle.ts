import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ROOT } from '../stack/state.js';
import { BundleError } from './errors.js';
import { planService, writeService, type ServiceBundle, type ServiceSpec } from './service.js';
import { readInstallScriptPolicy, readWorkspace } from './workspace.js';

/** The two App Engine services. `default` first: App Engine deploys it before any other service. */
export const SERVICES: readonly ServiceSpec[] = [
  { service: 'default', folder: 'web', appDir: 'apps/web', appYaml: 'app.yaml' },
  { service: 'worker', folder: 'worker', appDir: 'apps/worker', appYaml: 'apps/worker/app.yaml' },
];

/** App-level configuration files deployed on their own, copied next to the service folders. */
export const PLATFORM_FILES: readonly string[] = ['queue.yaml', 'cron.yaml'];

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

/**
 * Builds (unless `build: false`) and writes one deployable folder per App Engine service, plus
 * queue.yaml and cron.yaml, under `outDir`. Throws {@link BundleError} saying what to fix.
 */
export function bundle(options: BundleOptions = {}): BundleResult {
  const root = resolve(options.root ?? ROOT);
  const outDir = resolve(options.outDir ?? join(root, '.deploy'));
  const log = options.log ?? (() => undefined);
  if (options.build ?? true) {
    log('building (tsc -b tsconfig.build.json)...');
    build(root);
  }
  const workspace = readWorkspace(root);
  const allowScripts = readInstallScriptPolicy(root);
  const sourceMaps = options.sourceMaps ?? false;
  // Check both services before writing either: a failed run leaves no half-new bundle.
  const plans = SERVICES.map((spec) => planService(root, workspace, spec, { sourceMaps }));
  for (const file of PLATFORM_FILES) {
    if (!existsSync(join(root, file))) throw new BundleError('files', `${join(root, file)} is missing`);
  }
  mkdirSync(outDir, { recursive: true });
  const services = plans.map((plan) => {
    log(`bundling ${plan.spec.appDir} as service "${plan.spec.service}" into ${join(outDir, plan.spec.folder)}`);
    return writeService(plan, outDir, { log, ...(allowScripts === undefined ? {} : { allowScripts }) });
  });
  for (const file of PLATFORM_FILES) copyFileSync(join(root, file), join(outDir, file));
  log(`copied ${PLATFORM_FILES.join(', ')} to ${outDir}`);
  return { outDir, services, deployCommands: deployCommands(outDir) };
}
