import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from '../cli/args.js';
import { LATENCY_PROXY_CLI, latencyProxyOptions } from './cli-options.js';

const parse = (argv: string[]) => latencyProxyOptions(parseCommandLine(LATENCY_PROXY_CLI, argv));

describe('latency-proxy options', () => {
  it('defaults to the emulator, 15 ms each way, a free port', () => {
    expect(parse([])).toEqual({ target: { host: '127.0.0.1', port: 8081 }, delayMs: 15, port: 0 });
  });

  it('reads every flag', () => {
    expect(parse(['--target=db:9000', '--delay-ms', '2.5', '--port', '18081'])).toEqual({
      target: { host: 'db', port: 9000 },
      delayMs: 2.5,
      port: 18081,
    });
  });

  it.each([
    [['--delay-ms', '-1']],
    [['--delay-ms', 'x']],
    [['--target', 'nohost']],
    [['--port', '70000']],
    [['--bogus']],
  ])('refuses %j', (argv) => {
    expect(() => parse(argv)).toThrow(UsageError);
  });
});
