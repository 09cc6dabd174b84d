#!/usr/bin/env node
// The admin CLI: `npm run admin -- <command>` here, the `gaesession-admin` bin of
// @gaesession/worker elsewhere. Reads the same environment as the services (sm:// secrets too).
import { ConfigVariableError, loadConfig, resolveSecrets } from '@gaesession/config';
import { messageOf } from '@gaesession/core';
import { adminContext } from './admin-context.js';
import { runAdmin } from './admin-commands.js';
import { consoleOutput, EXIT } from './context.js';

/** Thrown by the context factory: the environment cannot be used (exit 2, as the services do). */
class EnvironmentError extends Error {}

process.exitCode = await runCli();

async function runCli(): Promise<number> {
  try {
    return await runAdmin(
      process.argv.slice(2),
      async () => {
        try {
          return adminContext(loadConfig(await resolveSecrets(process.env), { service: 'worker' }));
        } catch (error) {
          if (error instanceof ConfigVariableError) throw new EnvironmentError(error.message);
          throw error;
        }
      },
      consoleOutput,
    );
  } catch (error) {
    consoleOutput.err(`admin: ${messageOf(error)}`);
    return error instanceof EnvironmentError ? EXIT.usage : EXIT.failed;
  }
}
