// npm run docs:config: rewrites the README's configuration table from libs/config's VARIABLES,
// the one place each variable is defined (a test fails while the README differs). No flags but
// --help.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configTable } from '@gaesession/config';
import { defineCommand, readCommandLine } from '../cli/args.js';
import { ROOT } from '../stack/state.js';

readCommandLine(
  defineCommand({
    name: 'docs:config',
    usage: 'npm run docs:config',
    description: "Rewrites README.md's configuration table from libs/config.",
    options: {},
  }),
  () => undefined,
);

const START = '<!-- config-table:start (npm run docs:config writes this table) -->';
const END = '<!-- config-table:end -->';

const file = join(ROOT, 'README.md');
const readme = readFileSync(file, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start === -1 || end < start) {
  console.error(`README.md has no ${START} ... ${END} block to fill`);
  process.exit(1);
}
const next = `${readme.slice(0, start + START.length)}\n\n${configTable()}\n\n${readme.slice(end)}`;
writeFileSync(file, next);
console.log(next === readme ? 'README.md: the configuration table is up to date' : 'README.md: table rewritten');
