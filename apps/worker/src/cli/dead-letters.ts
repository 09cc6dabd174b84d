#!/usr/bin/env node
// Dead-letter tool: `npx tsx --conditions=source apps/worker/src/cli/dead-letters.ts list`
// (or `npm run dead-letters -w @gaesession/worker -- list`). Reads the same environment as the worker.
import { loadConfig, resolveSecrets } from '@gaesession/config';
import { cliContext, consoleOutput, EXIT } from './context.js';
import { runDeadLetterCommand } from './dead-letter-commands.js';

process.exitCode = await runCli();

async function runCli(): Promise<number> {
  let context;
  try {
    context = cliContext(loadConfig(await resolveSecrets(process.env)));
  } catch (error) {
    consoleOutput.err(`dead-letters: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  }
  try {
    return await runDeadLetterCommand(process.argv.slice(2), context, consoleOutput);
  } catch (error) {
    consoleOutput.err(`dead-letters: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  } finally {
    await context.close();
  }
}
