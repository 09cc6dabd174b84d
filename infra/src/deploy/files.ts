import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Every file under `dir`, as `/`-separated paths relative to it; empty when `dir` does not exist. */
export function listFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

const COMPILED = /\.[mc]?js$/;
const TEST_ONLY = /\.(test|fixture)$/;

/**
 * Which files of a package's `dist/` go into the bundle: the JavaScript that a current source
 * file compiles to (so tests, fixtures, and leftovers of deleted sources stay out), and with
 * `sourceMaps` its `.map`. Declarations are left out: nothing type-checks against a bundle.
 */
export function selectDistFiles(
  distFiles: readonly string[],
  sourceFiles: readonly string[],
  options: { sourceMaps?: boolean } = {},
): string[] {
  const sources = new Set<string>();
  for (const file of sourceFiles) {
    const match = /^(.+)\.([mc]?)ts$/.exec(file);
    if (match?.[1] !== undefined && !match[1].endsWith('.d')) sources.add(`${match[1]}.${match[2] ?? ''}js`);
  }
  const compiled = distFiles.filter((file) => {
    if (!COMPILED.test(file) || !sources.has(file)) return false;
    return !TEST_ONLY.test(file.replace(COMPILED, ''));
  });
  const maps = options.sourceMaps === true ? compiled.map((file) => `${file}.map`) : [];
  const present = new Set(distFiles);
  return [...compiled, ...maps.filter((file) => present.has(file))].sort();
}
