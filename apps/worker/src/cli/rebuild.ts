#!/usr/bin/env node
// Rebuilds Session entities from the event log:
// `npx tsx --conditions=source apps/worker/src/cli/rebuild.ts` (reads the worker's environment).
import { loadConfig, resolveSecrets } from '@gaesession/config';
import { cliContext, consoleOutput, EXIT } from './context.js';
import { runRebuildCommand } from './rebuild-command.js';

process.exitCode = await runCli();

async function runCli(): Promise<number> {
  let context;
  try {
    context = cliContext(loadConfig(await resolveSecrets(process.env)));
  } catch (error) {
    consoleOutput.err(`rebuild: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  }
  try {
    return await runRebuildCommand(process.argv.slice(2), context, consoleOutput);
  } finally {
    await context.close();
  }
}
