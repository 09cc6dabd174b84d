import { describe, expect, it } from 'vitest';
import { refusal, usageText, UsageError } from '../cli/args.js';
import { EMULATOR_CLI, parseCliArgs } from './cli-args.js';

/** The problem part of the line the CLI prints for argv (parseCliArgs must refuse it). */
function refusalOf(argv: string[]): string {
  try {
    parseCliArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return refusal(EMULATOR_CLI, error);
    throw error;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
}

describe('parseCliArgs', () => {
  it('has the documented defaults', () => {
    expect(parseCliArgs([])).toEqual({
      port: 8123,
      host: '127.0.0.1',
      queueYaml: './queue.yaml',
      queueYamlGiven: false,
      targets: {},
      verbose: false,
    });
  });

  it('reads every flag, in both spellings, with repeated targets', () => {
    const args = parseCliArgs([
      '--port=9000',
      '--host',
      '0.0.0.0',
      '--queue-yaml',
      'infra/queue.yaml',
      '--target',
      'worker=http://127.0.0.1:8090',
      '--target=default=http://127.0.0.1:8080',
      '--name-reuse-window',
      '5m',
      '--verbose',
    ]);
    expect(args).toEqual({
      port: 9000,
      host: '0.0.0.0',
      queueYaml: 'infra/queue.yaml',
      queueYamlGiven: true,
      targets: { worker: 'http://127.0.0.1:8090', default: 'http://127.0.0.1:8080' },
      taskNameReuseWindowMs: 300_000,
      verbose: true,
    });
    expect(parseCliArgs(['--port', '0', '--target', 'v1.worker=https://w.example']).targets).toEqual({
      'v1.worker': 'https://w.example',
    });
  });

  it('rejects unknown flags and malformed values', () => {
    for (const argv of [
      ['--prot', '1'],
      ['--port', 'x'],
      ['--port', '65536'],
      ['--port'],
      ['--host='],
      ['--target', 'worker'],
      ['--target', '=http://x'],
      ['--target', 'w=ftp://x'],
      ['--name-reuse-window', '1w'],
      ['--verbose=1'],
      ['queue.yaml'],
    ])
      expect(() => parseCliArgs(argv), argv.join(' ')).toThrow(UsageError);
  });

  it('says in one line what was wrong and which flags there are', () => {
    const flags =
      'valid flags: --port <n>, --host <address>, --queue-yaml <path>, --target <service=url>, ' +
      '--name-reuse-window <duration>, --verbose, --help';
    expect(refusalOf(['--prot', '1'])).toBe(
      `cloud-tasks-emulator: unknown flag --prot (did you mean --port?); ${flags}`,
    );
    expect(refusalOf(['--target=worker'])).toBe(
      `cloud-tasks-emulator: --target "worker": expected service=url, like worker=http://127.0.0.1:8090; ${flags}`,
    );
    expect(refusalOf(['--name-reuse-window', '1w'])).toBe(
      `cloud-tasks-emulator: --name-reuse-window "1w": expected a duration like 30s, 10m or 1h; ${flags}`,
    );
  });

  it('documents every flag with its default', () => {
    const usage = usageText(EMULATOR_CLI);
    for (const line of [
      '--port <n>',
      '(default: 8123)',
      '(default: 127.0.0.1)',
      '(default: ./queue.yaml',
      '--target <service=url>',
      '(default: 1h)',
      '--verbose',
      '-h, --help',
    ])
      expect(usage).toContain(line);
  });
});
