import { describe, expect, it } from 'vitest';
import {
  defineCommand,
  integer,
  oneOf,
  parseCommandLine,
  positiveNumber,
  readCommandLine,
  someOf,
  usageText,
  UsageError,
  type CommandLineIo,
} from './args.js';

const QUEUES = ['bullmq', 'cloud-tasks'] as const;

const SPEC = defineCommand({
  name: 'demo',
  usage: 'npm run demo -- [flags]',
  description: 'Runs the demo.',
  options: {
    queue: { type: 'string', value: QUEUES.join('|'), default: 'bullmq', description: 'the queue' },
    port: { type: 'string', value: 'n', defaultText: '$PORT or 8080', description: 'the port' },
    target: { type: 'string', value: 'service=url', multiple: true, description: 'a target' },
    verbose: { type: 'boolean', description: 'say more' },
  },
});

const VALID_FLAGS = 'valid flags: --queue <bullmq|cloud-tasks>, --port <n>, --target <service=url>, --verbose, --help';

/** Runs readCommandLine with a fake process: what it printed, and its exit code (if it exited). */
function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  let code: number | undefined;
  const io: CommandLineIo = {
    out: (text) => out.push(text),
    err: (line) => err.push(line),
    exit: (exitCode) => {
      code = exitCode;
      throw new Error('exited');
    },
  };
  let result: { queue: string; port: number | undefined; verbose: boolean } | undefined;
  try {
    result = readCommandLine(
      SPEC,
      ({ values }) => ({
        queue: oneOf('queue', values.queue, QUEUES),
        port: values.port === undefined ? undefined : integer('port', values.port, { min: 0, max: 65535 }),
        verbose: values.verbose,
      }),
      argv,
      io,
    );
  } catch (error) {
    if (!(error instanceof Error && error.message === 'exited')) throw error;
  }
  return { result, code, out: out.join('\n'), err };
}

describe('readCommandLine', () => {
  it('reads --flag value and --flag=value alike, with defaults for the absent ones', () => {
    expect(run([]).result).toEqual({ queue: 'bullmq', port: undefined, verbose: false });
    expect(run(['--queue=cloud-tasks', '--port', '9000', '--verbose']).result).toEqual({
      queue: 'cloud-tasks',
      port: 9000,
      verbose: true,
    });
    expect(run(['--queue', 'cloud-tasks']).result?.queue).toBe('cloud-tasks');
  });

  it('refuses an unknown flag with exit code 2 and one line listing the valid flags', () => {
    const { code, err, result } = run(['--qeue', 'cloud-tasks']);
    expect(result).toBeUndefined();
    expect(code).toBe(2);
    expect(err).toEqual([`demo: unknown flag --qeue (did you mean --queue?); ${VALID_FLAGS}`]);
    expect(run(['--bogus=1']).err).toEqual([`demo: unknown flag --bogus=1; ${VALID_FLAGS}`]);
    expect(run(['-x']).err).toEqual([`demo: unknown flag -x; ${VALID_FLAGS}`]);
  });

  it('refuses a bad enum value naming the flag, the value and the choices', () => {
    const { code, err } = run(['--queue=cloud_tasks']);
    expect(code).toBe(2);
    expect(err).toEqual([`demo: --queue "cloud_tasks": expected bullmq or cloud-tasks; ${VALID_FLAGS}`]);
  });

  it('refuses a missing, empty or flag-like value, a value given to a boolean, and a positional', () => {
    const refused = (argv: string[]) => {
      const { code, err } = run(argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(err, argv.join(' ')).toHaveLength(1);
      expect(err[0]).toMatch(new RegExp(`^demo: .*; ${VALID_FLAGS}$`));
      return err[0]?.slice('demo: '.length, -(VALID_FLAGS.length + 2));
    };
    expect(refused(['--port'])).toBe('--port needs a value: expected <n>');
    expect(refused(['--port='])).toBe('--port "": expected <n>');
    expect(refused(['--port', '--verbose'])).toBe(
      '--port "--verbose": expected <n>, not a flag (write --port=--verbose for a value that starts with "-")',
    );
    expect(refused(['--port', '65536'])).toBe('--port "65536": expected a whole number from 0 to 65535');
    expect(refused(['--verbose=yes'])).toBe('--verbose takes no value, got "yes"');
    expect(refused(['stray'])).toBe('unexpected argument "stray" (this command takes only flags)');
  });

  it('prints the usage with every flag and its default on --help and -h, and exits 0', () => {
    for (const argv of [['--help'], ['-h'], ['--queue', 'nonsense', '--help']]) {
      const { code, out, err } = run(argv);
      expect(code).toBe(0);
      expect(err).toEqual([]);
      expect(out).toBe(usageText(SPEC));
    }
    expect(usageText(SPEC)).toBe(
      [
        'usage: npm run demo -- [flags]',
        '  Runs the demo.',
        'flags:',
        '  --queue <bullmq|cloud-tasks>  the queue (default: bullmq)',
        '  --port <n>                    the port (default: $PORT or 8080)',
        '  --target <service=url>        a target',
        '  --verbose                     say more',
        '  -h, --help                    show this text',
      ].join('\n'),
    );
  });

  it('lets errors other than usage errors through', () => {
    expect(() =>
      readCommandLine(SPEC, () => {
        throw new RangeError('boom');
      }, []),
    ).toThrow(RangeError);
  });
});

describe('parseCommandLine', () => {
  it('collects a repeated flag in order, and positionals when allowed', () => {
    expect(parseCommandLine(SPEC, ['--target', 'a=1', '--target=b=2']).values.target).toEqual(['a=1', 'b=2']);
    const withPositionals = defineCommand({ ...SPEC, positionals: true });
    expect(parseCommandLine(withPositionals, ['up', '--verbose', 'now']).positionals).toEqual(['up', 'now']);
    expect(parseCommandLine(withPositionals, ['--', '--verbose']).positionals).toEqual(['--verbose']);
    expect(() => parseCommandLine(SPEC, ['up'])).toThrow(UsageError);
  });
});

describe('value checks', () => {
  it('oneOf, someOf, integer and positiveNumber take good values and refuse others', () => {
    expect(oneOf('queue', 'bullmq', QUEUES)).toBe('bullmq');
    expect(someOf('only', 'cloud-tasks, bullmq,', QUEUES)).toEqual(['bullmq', 'cloud-tasks']);
    expect(integer('n', '12', { min: 1 })).toBe(12);
    expect(positiveNumber('s', '0.5')).toBe(0.5);
    expect(() => someOf('only', 'bullmq,sqs', QUEUES)).toThrow(
      '--only "bullmq,sqs": expected comma-separated names from bullmq, cloud-tasks',
    );
    expect(() => someOf('only', ',', QUEUES)).toThrow(UsageError);
    expect(() => integer('n', '1.5', { min: 1 })).toThrow('--n "1.5": expected a positive whole number');
    expect(() => integer('n', ' ', { min: 0 })).toThrow('expected a whole number from 0 up');
    expect(() => positiveNumber('s', '0')).toThrow('--s "0": expected a number above 0');
    expect(() => positiveNumber('s', 'Infinity')).toThrow(UsageError);
  });
});
