// Packs the public packages and installs the tarballs into an app outside the repository, as a
// new user would (not built, not a test file itself).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../stack/state.js';
import { withBuildLock } from '../testing/build.fixture.js';
import { publicPackages } from './packages.js';

/** What `npm pack --json` reports of one tarball. */
export interface PackedPackage {
  readonly name: string;
  readonly version: string;
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

/** The environment of a child npm or node: none of the npm_* variables of an `npm test` around us. */
export function cleanEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_')));
  return { ...env, ...extra };
}

/** Runs a command; resolves with its stdout, rejects with all its output on a non-zero exit. */
export function run(command: string, args: readonly string[], cwd: string, env = cleanEnv()): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} in ${cwd} exited ${code}:\n${stdout}\n${stderr}`));
    });
  });
}

/**
 * `npm pack` of every public package into `dir`, each `prepack` (tsc -b) included, holding the
 * build lock so that no other test compiles meanwhile.
 */
export async function packAll(dir: string): Promise<PackedPackage[]> {
  const workspaces = publicPackages(ROOT).flatMap(({ dir: folder }) => ['--workspace', folder]);
  const out = await withBuildLock(() => run('npm', ['pack', '--json', '--pack-destination', dir, ...workspaces], ROOT));
  // npm prints the prepack scripts' output before the JSON.
  return JSON.parse(out.slice(out.indexOf('\n[') + 1)) as PackedPackage[];
}

/** A new app folder outside the repository: package.json with ES modules and the repository's install-script policy. */
export function newApp(prefix: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { allowScripts?: unknown };
  const manifest = {
    name: 'adopting-app',
    version: '1.0.0',
    private: true,
    type: 'module',
    allowScripts: root.allowScripts,
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  return dir;
}

/** Installs tarballs and registry packages into `dir` from npm's cache where it can. Answers the time it took, ms. */
export async function install(dir: string, specs: readonly string[]): Promise<number> {
  const t0 = Date.now();
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...specs], dir);
  return Date.now() - t0;
}

/** `redis-cli` against the shared Redis, e.g. `LLEN bull:<queue>:wait`. */
export function redisCli(host: string, port: number, args: readonly string[]): string {
  const result = spawnSync('redis-cli', ['-h', host, '-p', String(port), ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** The tsconfig `tsc --init` (TypeScript 5.9) writes, with its Node.js choice and every library type checked. */
export function strictTsconfig(files: readonly string[]): Record<string, unknown> {
  return {
    compilerOptions: {
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'esnext',
      lib: ['esnext'],
      types: ['node'],
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      verbatimModuleSyntax: true,
      isolatedModules: true,
      noUncheckedSideEffectImports: true,
      moduleDetection: 'force',
      skipLibCheck: false,
      noEmit: true,
    },
    files,
  };
}
