import { EmulatorConfigError } from './config-error.js';
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
  help: boolean;
}

export const USAGE = `Usage: cloud-tasks-emulator [options]
  --port <n>                 gRPC port (default 8123; 0 = any free port)
  --host <address>           interface to listen on (default 127.0.0.1)
  --queue-yaml <path>        App Engine queue.yaml to serve (default ./queue.yaml)
  --target <service>=<url>   where tasks for an App Engine service go; repeatable,
                             e.g. --target worker=http://127.0.0.1:8090
  --name-reuse-window <dur>  how long a used task name stays taken (default 1h)
  --verbose                  log every dispatch attempt
  --help                     show this text`;

const VALUE_FLAGS = new Set(['--port', '--host', '--queue-yaml', '--target', '--name-reuse-window']);

/**
 * Parses the CLI's argv (without node and the script). Accepts `--flag value` and `--flag=value`.
 *
 * @throws EmulatorConfigError on unknown flags, missing values or malformed ones.
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = {
    port: 8123,
    host: '127.0.0.1',
    queueYaml: './queue.yaml',
    queueYamlGiven: false,
    targets: {},
    verbose: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq !== -1 ? arg.slice(0, eq) : arg;
    if (flag === '--help' || flag === '-h') args.help = true;
    else if (flag === '--verbose') args.verbose = true;
    else if (!VALUE_FLAGS.has(flag)) throw new EmulatorConfigError(`unknown option "${arg}"\n${USAGE}`);
    else {
      const value = eq !== -1 && flag !== arg ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new EmulatorConfigError(`${flag} needs a value`);
      applyValue(args, flag, value);
    }
  }
  return args;
}

function applyValue(args: CliArgs, flag: string, value: string): void {
  switch (flag) {
    case '--port': {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new EmulatorConfigError(`--port "${value}" is not a port`);
      args.port = port;
      break;
    }
    case '--host':
      args.host = value;
      break;
    case '--queue-yaml':
      args.queueYaml = value;
      args.queueYamlGiven = true;
      break;
    case '--target': {
      const eq = value.indexOf('=');
      const service = value.slice(0, eq);
      const url = value.slice(eq + 1);
      if (eq <= 0 || !/^https?:\/\/[^/]+/.test(url))
        throw new EmulatorConfigError(`--target "${value}" must look like worker=http://127.0.0.1:8090`);
      args.targets[service] = url;
      break;
    }
    default: {
      const window = parseDuration(value);
      if (window === undefined)
        throw new EmulatorConfigError(`--name-reuse-window "${value}" must look like 30s, 10m or 1h`);
      args.taskNameReuseWindowMs = window;
    }
  }
}
