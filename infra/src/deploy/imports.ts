import { builtinModules } from 'node:module';

const BUILTINS = new Set(builtinModules);

// Static imports and re-exports (`import x from 'p'`, `export * from 'p'`), side-effect imports
// (`import 'p'`) and dynamic imports with a literal (`import('p')`), as tsc emits them.
const IMPORT_PATTERN =
  /\b(?:import|export)\s[^'";]*?\bfrom\s*(['"])([^'"\n]+)\1|\bimport\s*(['"])([^'"\n]+)\3|\bimport\s*\(\s*(['"])([^'"\n]+)\5\s*\)/g;

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`); undefined for relative, absolute, URL and built-in ones. */
export function packageName(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('#')) return undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier)) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? '');
  return BUILTINS.has(name) ? undefined : name;
}

/** The packages a compiled ES module imports (built-ins left out). */
export function importedPackages(code: string): Set<string> {
  const found = new Set<string>();
  for (const match of code.matchAll(IMPORT_PATTERN)) {
    const specifier = match[2] ?? match[4] ?? match[6];
    const name = specifier === undefined ? undefined : packageName(specifier);
    if (name !== undefined) found.add(name);
  }
  return found;
}

/** One import of a package the importing package does not declare. */
export interface UndeclaredImport {
  readonly file: string;
  readonly packageName: string;
}

/**
 * Imports of packages that `declared` does not list. The bundle hoists every dependency, so such
 * an import might even work, but only by accident; the bundler refuses it instead.
 */
export function undeclaredImports(
  files: readonly { readonly path: string; readonly code: string }[],
  self: string,
  declared: ReadonlySet<string>,
): UndeclaredImport[] {
  return files.flatMap(({ path, code }) =>
    [...importedPackages(code)]
      .filter((name) => name !== self && !declared.has(name))
      .map((name) => ({ file: path, packageName: name })),
  );
}
