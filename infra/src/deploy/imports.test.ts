import { describe, expect, it } from 'vitest';
import { importedPackages, packageName, undeclaredImports } from './imports.js';

describe('packageName', () => {
  it.each([
    ['express', 'express'],
    ['@google-cloud/datastore', '@google-cloud/datastore'],
    ['@google-cloud/datastore/build/src/entity.js', '@google-cloud/datastore'],
    ['zod/v4', 'zod'],
  ])('%s names %s', (specifier, name) => {
    expect(packageName(specifier)).toBe(name);
  });

  it.each(['./a.js', '../b/c.js', '/abs.js', '#internal', 'node:crypto', 'crypto', 'fs/promises', 'file:///x.js'])(
    '%s names no package',
    (specifier) => {
      expect(packageName(specifier)).toBeUndefined();
    },
  );
});

describe('importedPackages', () => {
  it('finds static imports, re-exports, side-effect and literal dynamic imports as tsc emits them', () => {
    const code = [
      "import express from 'express';",
      'import { Datastore } from "@google-cloud/datastore";',
      "import {\n  a,\n  b,\n} from 'zod';",
      "export { x } from '@gaesession/session';",
      "export * from './local.js';",
      "import 'side-effect';",
      "const m = await import('lazy/sub');",
      "import { randomBytes } from 'node:crypto';",
      "import { join } from 'path';",
    ].join('\n');
    expect([...importedPackages(code)].sort()).toEqual([
      '@gaesession/session',
      '@google-cloud/datastore',
      'express',
      'lazy',
      'side-effect',
      'zod',
    ]);
  });

  it('does not mistake ordinary strings for imports', () => {
    const code = "const path = '/api/from'; export const TASK_PATH = '/tasks/x'; fetch('/api/durability');";
    expect(importedPackages(code).size).toBe(0);
  });
});

describe('undeclaredImports', () => {
  it('reports each import the package does not declare, but not its own name', () => {
    const files = [
      { path: 'dist/a.js', code: "import x from 'declared'; import y from 'stray'; import z from '@s/self';" },
      { path: 'dist/b.js', code: "import { q } from 'stray/sub';" },
    ];
    expect(undeclaredImports(files, '@s/self', new Set(['declared']))).toEqual([
      { file: 'dist/a.js', packageName: 'stray' },
      { file: 'dist/b.js', packageName: 'stray' },
    ]);
  });
});
