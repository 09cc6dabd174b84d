// npm run deploy:bundle [-- --out <dir>] [--no-build] [--source-maps] [--queue-yaml <file>]
// [--cron-yaml <file>] [--prefer-ours] [--allow-drop] (--help lists the flags): writes
// .deploy/web and .deploy/worker (each with a package-lock.json), .deploy/queue.yaml and
// .deploy/cron.yaml, and prints the deploy commands.
import { existsSync } from 'node:fs';
import { badValue, defineCommand, readCommandLine } from '../cli/args.js';
import { bundle } from './bundle.js';
import { BundleError } from './errors.js';

const log = (line: string): void => {
  console.log(`[deploy] ${line}`);
};

const DEPLOY_CLI = defineCommand({
  name: 'deploy',
  usage: 'npm run deploy:bundle -- [flags]',
  description: `Compiles the workspace and writes one self-contained folder per App Engine service, each
with a package-lock.json pruned from the repository's (App Engine then runs npm ci: the tested
versions), and queue.yaml and cron.yaml. Both are app-wide: a deployed queue.yaml pauses every
queue it does not list, a cron.yaml replaces every cron job. Pass your app's files to merge ours
into them; an entry of yours is never dropped unless --allow-drop (exit 2 otherwise).`,
  options: {
    out: {
      type: 'string',
      value: 'dir',
      defaultText: '.deploy in the repository',
      description: 'where to write the bundles',
    },
    'no-build': { type: 'boolean', description: 'skip tsc -b (use the dist/ folders as they are)' },
    'source-maps': { type: 'boolean', description: 'ship the .js.map files too' },
    'queue-yaml': {
      type: 'string',
      value: 'file',
      description: "your app's current queue.yaml: ours is merged into it (default: ours alone)",
    },
    'cron-yaml': {
      type: 'string',
      value: 'file',
      description: "your app's current cron.yaml: ours is merged into it (default: ours alone)",
    },
    'prefer-ours': {
      type: 'boolean',
      description: 'where your file has our queue or cron job with other settings, write ours (default: keep yours)',
    },
    'allow-drop': {
      type: 'boolean',
      description: 'write a queue.yaml or cron.yaml that drops an entry of yours (--prefer-ours over a cron job)',
    },
  },
});

function existing(flag: string, file: string | undefined): string | undefined {
  if (file !== undefined && !existsSync(file)) throw badValue(flag, file, 'an existing file');
  return file;
}

function main(): void {
  const values = readCommandLine(DEPLOY_CLI, (parsed) => {
    existing('queue-yaml', parsed.values['queue-yaml']);
    existing('cron-yaml', parsed.values['cron-yaml']);
    return parsed.values;
  });
  const t0 = Date.now();
  const queueYaml = values['queue-yaml'];
  const cronYaml = values['cron-yaml'];
  const result = bundle({
    build: !values['no-build'],
    sourceMaps: values['source-maps'],
    log,
    ...(values.out === undefined ? {} : { outDir: values.out }),
    existing: {
      ...(queueYaml === undefined ? {} : { queueYaml }),
      ...(cronYaml === undefined ? {} : { cronYaml }),
      preferOurs: values['prefer-ours'],
      allowDrop: values['allow-drop'],
    },
  });
  log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s. Deploy with (default service first):`);
  for (const command of result.deployCommands) console.log(`  ${command}`);
}

try {
  main();
} catch (error) {
  if (error instanceof BundleError && error.reason === 'drop') {
    // One line naming what would be dropped; nothing was written.
    console.error(`deploy: ${error.message}`);
    process.exitCode = 2;
  } else {
    console.error(error instanceof BundleError ? `[deploy] ${error.message}` : error);
    process.exitCode = 1;
  }
}
