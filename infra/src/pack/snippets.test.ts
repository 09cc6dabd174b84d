import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../stack/state.js';
import { codeBlocks, sectionBlocks } from './snippets.js';

const doc = [
  '# T',
  '## A',
  '```sh',
  'npm i',
  '```',
  '### A.1',
  '```ts',
  'one',
  '```',
  '## B',
  '```ts',
  'two',
  '```',
].join('\n');

describe('sectionBlocks', () => {
  it('takes the blocks under a heading, subsections included, up to the next heading of its level', () => {
    expect(sectionBlocks(doc, 'A')).toEqual([
      { lang: 'sh', code: 'npm i\n' },
      { lang: 'ts', code: 'one\n' },
    ]);
    expect(codeBlocks(doc, 'A', ['ts'])).toEqual(['one\n']);
    expect(() => sectionBlocks(doc, 'C')).toThrow(/no heading/);
  });

  it("finds the README's two Express apps, the native one first", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const [native, expressSession] = codeBlocks(readme, 'Using the library in your Express app', ['ts', 'js']);
    expect(native).toMatch(/sessionMiddleware\(sessions\)/);
    expect(expressSession).toMatch(/new GaeSessionStore\(\)/);
    for (const app of [native, expressSession]) expect(app).toMatch(/\.listen\(/);
  });
});
