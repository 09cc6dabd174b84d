// npm run deploy:bundle [-- --out <dir>] [--no-build] [--source-maps] (--help lists the flags):
// writes .deploy/web, .deploy/worker, .deploy/queue.yaml and .deploy/cron.yaml, and prints the
// deploy commands.
import { defineCommand, readCommandLine } from '../cli/args.js';
import { bundle } from './bundle.js';
import { BundleError } from './errors.js';

const log = (line: string): void => {
  console.log(`[deploy] ${line}`);
};

const DEPLOY_CLI = defineCommand({
  name: 'deploy',
  usage: 'npm run deploy:bundle -- [flags]',
  description: 'Compiles the workspace and writes one self-contained folder per App Engine service.',
  options: {
    out: {
      type: 'string',
      value: 'dir',
      defaultText: '.deploy in the repository',
      description: 'where to write the bundles',
    },
    'no-build': { type: 'boolean', description: 'skip tsc -b (use the dist/ folders as they are)' },
    'source-maps': { type: 'boolean', description: 'ship the .js.map files too' },
  },
});

function main(): void {
  const values = readCommandLine(DEPLOY_CLI, (parsed) => parsed.values);
  const t0 = Date.now();
  const result = bundle({
    build: !values['no-build'],
    sourceMaps: values['source-maps'],
    log,
    ...(values.out === undefined ? {} : { outDir: values.out }),
  });
  log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s. Deploy with (default service first):`);
  for (const command of result.deployCommands) console.log(`  ${command}`);
}

try {
  main();
} catch (error) {
  console.error(error instanceof BundleError ? `[deploy] ${error.message}` : error);
  process.exitCode = 1;
}
