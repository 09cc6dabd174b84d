// Command-line entry: `tsx infra/src/cloud-tasks-emulator/cli.ts --target worker=http://127.0.0.1:8090`
// (--help lists the flags).
import { readFile } from 'node:fs/promises';
import { readCommandLine } from '../cli/args.js';
import { cliArgs, EMULATOR_CLI, type CliArgs } from './cli-args.js';
import { EmulatorConfigError } from './config-error.js';
import { startCloudTasksEmulator, type CloudTasksEmulatorOptions } from './emulator.js';
import { logWarnings, type EmulatorLogEntry } from './observe.js';
import { IMPLICIT_DEFAULT_QUEUE, type QueueSpec } from './queue-spec.js';
import { parseQueueYaml } from './queue-yaml.js';

async function loadQueues(args: CliArgs): Promise<readonly QueueSpec[]> {
  let text: string;
  try {
    text = await readFile(args.queueYaml, 'utf8');
  } catch (error) {
    if (args.queueYamlGiven || (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    console.error(`no ${args.queueYaml}: serving only the "default" queue`);
    return [IMPLICIT_DEFAULT_QUEUE];
  }
  const { queues, skipped } = parseQueueYaml(text, args.queueYaml);
  if (skipped.length > 0) console.error(`pull queues are not served: ${skipped.join(', ')}`);
  return queues;
}

function logAll(entry: EmulatorLogEntry): void {
  console.error(`${entry.level} ${entry.event} ${entry.queue}/tasks/${entry.task}: ${entry.message}`);
}

async function main(): Promise<void> {
  const args = readCommandLine(EMULATOR_CLI, cliArgs);
  const queues = await loadQueues(args);
  const options: CloudTasksEmulatorOptions = {
    port: args.port,
    host: args.host,
    queues,
    targets: args.targets,
    log: args.verbose ? logAll : logWarnings,
  };
  if (args.taskNameReuseWindowMs !== undefined) options.taskNameReuseWindowMs = args.taskNameReuseWindowMs;
  const emulator = await startCloudTasksEmulator(options);
  const targets = Object.entries(args.targets).map(([service, url]) => `${service}=${url}`);
  console.log(`Cloud Tasks emulator listening on ${emulator.address}`);
  console.log(`queues: ${queues.map((queue) => queue.id).join(', ')}`);
  console.log(`targets: ${targets.length > 0 ? targets.join(', ') : '(none: tasks will fail and retry)'}`);
  console.log(`export CLOUD_TASKS_EMULATOR_HOST=${emulator.address}`);
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof EmulatorConfigError ? error.message : error);
  process.exit(1);
});
