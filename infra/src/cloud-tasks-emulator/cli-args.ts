import { badValue, defineCommand, integer, parseCommandLine, type ParsedCommandLine } from '../cli/args.js';
import { parseDuration } from './queue-yaml.js';

/** The emulator CLI's settings. */
export interface CliArgs {
  /** @defaultValue 8123 */
  port: number;
  /** @defaultValue '127.0.0.1' */
  host: string;
  /** @defaultValue './queue.yaml' */
  queueYaml: string;
  /** Whether --queue-yaml was given: a missing default file is fine, a missing named one is not. */
  queueYamlGiven: boolean;
  /** From repeated `--target service=url`. @defaultValue {} */
  targets: Record<string, string>;
  /** From `--name-reuse-window 1h` (units s, m, h, d), in ms; unset: the emulator's default. */
  taskNameReuseWindowMs?: number;
  /** Log every attempt, not only warnings. @defaultValue false */
  verbose: boolean;
}

/** The emulator's command line (`--help` prints it). */
export const EMULATOR_CLI = defineCommand({
  name: 'cloud-tasks-emulator',
  usage: 'npx tsx infra/src/cloud-tasks-emulator/cli.ts [flags]',
  description: 'Serves the Cloud Tasks v2 API over gRPC and pushes tasks to the targets; SIGINT/SIGTERM stop it.',
  options: {
    port: { type: 'string', value: 'n', default: '8123', description: 'gRPC port (0 = any free port)' },
    host: { type: 'string', value: 'address', default: '127.0.0.1', description: 'interface to listen on' },
    'queue-yaml': {
      type: 'string',
      value: 'path',
      defaultText: './queue.yaml, or only the "default" queue when it is missing',
      description: 'App Engine queue.yaml to serve',
    },
    target: {
      type: 'string',
      value: 'service=url',
      multiple: true,
      description: 'where tasks for an App Engine service go; repeatable, e.g. --target worker=http://127.0.0.1:8090',
    },
    'name-reuse-window': {
      type: 'string',
      value: 'duration',
      defaultText: '1h',
      description: 'how long a used task name stays taken: 30s, 10m, 1h, 1d',
    },
    verbose: { type: 'boolean', description: 'log every dispatch attempt, not only warnings' },
  },
});

/**
 * The settings from the parsed command line.
 *
 * @throws UsageError for a malformed port, target or window.
 */
export function cliArgs({ values }: ParsedCommandLine<typeof EMULATOR_CLI.options>): CliArgs {
  const args: CliArgs = {
    port: integer('port', values.port, { min: 0, max: 65535 }),
    host: values.host,
    queueYaml: values['queue-yaml'] ?? './queue.yaml',
    queueYamlGiven: values['queue-yaml'] !== undefined,
    targets: {},
    verbose: values.verbose,
  };
  for (const target of values.target ?? []) {
    const eq = target.indexOf('=');
    const url = target.slice(eq + 1);
    if (eq <= 0 || !/^https?:\/\/[^/]+/.test(url))
      throw badValue('target', target, 'service=url, like worker=http://127.0.0.1:8090');
    args.targets[target.slice(0, eq)] = url;
  }
  const window = values['name-reuse-window'];
  if (window !== undefined) {
    const ms = parseDuration(window);
    if (ms === undefined) throw badValue('name-reuse-window', window, 'a duration like 30s, 10m or 1h');
    args.taskNameReuseWindowMs = ms;
  }
  return args;
}

/**
 * Parses the CLI's argv (without node and the script): `--flag value` and `--flag=value`.
 *
 * @throws UsageError on unknown flags, missing values or malformed ones.
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  return cliArgs(parseCommandLine(EMULATOR_CLI, argv));
}
