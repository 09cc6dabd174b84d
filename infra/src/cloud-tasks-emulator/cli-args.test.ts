import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './cli-args.js';
import { EmulatorConfigError } from './config-error.js';

describe('parseCliArgs', () => {
  it('has the documented defaults', () => {
    expect(parseCliArgs([])).toEqual({
      port: 8123,
      host: '127.0.0.1',
      queueYaml: './queue.yaml',
      queueYamlGiven: false,
      targets: {},
      verbose: false,
      help: false,
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
    expect(args).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      queueYaml: 'infra/queue.yaml',
      queueYamlGiven: true,
      targets: { worker: 'http://127.0.0.1:8090', default: 'http://127.0.0.1:8080' },
      taskNameReuseWindowMs: 300_000,
      verbose: true,
    });
  });

  it('rejects unknown flags and malformed values', () => {
    for (const argv of [
      ['--prot', '1'],
      ['--port', 'x'],
      ['--port'],
      ['--target', 'worker'],
      ['--target', 'w=ftp://x'],
      ['--name-reuse-window', '1w'],
    ])
      expect(() => parseCliArgs(argv), argv.join(' ')).toThrow(EmulatorConfigError);
  });
});
