// npm run deploy:bundle [-- --out <dir>] [--no-build] [--source-maps]: writes .deploy/web,
// .deploy/worker, .deploy/queue.yaml and .deploy/cron.yaml, and prints the deploy commands.
import { parseArgs } from 'node:util';
import { bundle } from './bundle.js';
import { BundleError } from './errors.js';

const log = (line: string): void => {
  console.log(`[deploy] ${line}`);
};

const USAGE = `usage: npm run deploy:bundle -- [--out <dir>] [--no-build] [--source-maps]
  --out <dir>      where to write the bundles (default: .deploy in the repository)
  --no-build       skip tsc -b (use the dist/ folders as they are)
  --source-maps    ship the .js.map files too`;

function main(): void {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      'source-maps': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
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
  if (error instanceof BundleError) {
    console.error(`[deploy] ${error.message}`);
  } else if (error instanceof TypeError && 'code' in error && typeof error.code === 'string') {
    // parseArgs: unknown option or missing value.
    console.error(`[deploy] ${error.message}\n${USAGE}`);
  } else {
    console.error(error);
  }
  process.exitCode = 1;
}
