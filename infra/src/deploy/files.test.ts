import { describe, expect, it } from 'vitest';
import { selectDistFiles } from './files.js';

describe('selectDistFiles', () => {
  const sources = [
    'index.ts',
    'main.ts',
    'cli/tool.ts',
    'api.test.ts',
    'api.int.test.ts',
    'worker.fixture.ts',
    'types.d.ts',
  ];
  const dist = [
    'index.js',
    'index.js.map',
    'index.d.ts',
    'index.d.ts.map',
    'main.js',
    'main.js.map',
    'cli/tool.js',
    'api.test.js',
    'api.int.test.js',
    'worker.fixture.js',
    'removed-long-ago.js',
    'tsconfig.tsbuildinfo',
  ];

  it('takes the JavaScript of current, non-test sources and nothing else', () => {
    expect(selectDistFiles(dist, sources)).toEqual(['cli/tool.js', 'index.js', 'main.js']);
  });

  it('adds the source maps that exist when asked to', () => {
    expect(selectDistFiles(dist, sources, { sourceMaps: true })).toEqual([
      'cli/tool.js',
      'index.js',
      'index.js.map',
      'main.js',
      'main.js.map',
    ]);
  });

  it('maps .mts and .cts sources to .mjs and .cjs', () => {
    expect(selectDistFiles(['a.mjs', 'b.cjs', 'a.js'], ['a.mts', 'b.cts'])).toEqual(['a.mjs', 'b.cjs']);
  });

  it('selects nothing from an unbuilt package', () => {
    expect(selectDistFiles([], sources)).toEqual([]);
  });
});
