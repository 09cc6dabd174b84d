import { refusal, usageText, UsageError } from '@gaesession/infra/cli';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, parseOptions, WORKER_BENCH_CLI } from './options.js';

describe('parseOptions', () => {
  it('gives the defaults for no arguments', () => {
    expect(parseOptions([])).toEqual(DEFAULT_OPTIONS);
    expect(DEFAULT_OPTIONS).toMatchObject({ events: 5000, purge: 20_000, memoryEvents: 200_000, hotChanges: 1000 });
  });

  it('reads both --name value and --name=value', () => {
    const options = parseOptions(['--events', '300', '--purge=1000', '--only', 'purge,drain', '--distinct=0.5']);
    expect(options.events).toBe(300);
    expect(options.purge).toBe(1000);
    expect(options.distinct).toBe(0.5);
    // in the run's order, whatever the order given
    expect(options.only).toEqual(['drain', 'purge']);
  });

  it('reads the added Datastore round trips in the order given, 0 meaning none', () => {
    expect(DEFAULT_OPTIONS.datastoreRttMs).toEqual([0]);
    expect(parseOptions(['--datastore-rtt-ms', '0,30']).datastoreRttMs).toEqual([0, 30]);
    expect(parseOptions(['--datastore-rtt-ms=30, 0,30']).datastoreRttMs).toEqual([30, 0]);
    expect(parseOptions(['--cpu-concurrency', '800', '--latency-memory-events=1000'])).toMatchObject({
      cpuConcurrency: 800,
      latencyMemoryEvents: 1000,
    });
    expect(parseOptions(['--only', 'cpu']).only).toEqual(['cpu']);
  });

  it('reads lists of counts, dropping repeats', () => {
    expect(parseOptions(['--concurrency', '32, 200,32']).concurrency).toEqual([32, 200]);
    expect(parseOptions(['--hot-in-flight=5']).hotInFlight).toEqual([5]);
  });

  it.each([
    [['--events', '0']],
    [['--events', '1.5']],
    [['--events', '']],
    [['--distinct', '1.2']],
    [['--distinct', '0']],
    [['--concurrency', '32,x']],
    [['--concurrency', ',']],
    [['--hot-in-flight', '0']],
    [['--only', 'drain,bogus']],
    [['--only=']],
    [['--nope', '1']],
    [['--events']],
    [['--events', '-5']],
    [['--purge=1e3x']],
    [['--datastore-rtt-ms', '-30']],
    [['--datastore-rtt-ms=-30']],
    [['--datastore-rtt-ms', '15.5']],
    [['--datastore-rtt-ms', '1001']],
    [['--datastore-rtt-ms', 'off']],
    [['--cpu-concurrency', '0']],
    [['stray']],
  ])('refuses %j with a UsageError', (argv) => {
    expect(() => parseOptions(argv)).toThrow(UsageError);
  });

  it('says in one line which value of which flag is wrong, and lists the flags', () => {
    let line: string | undefined;
    try {
      parseOptions(['--concurrency=32,x']);
    } catch (error) {
      if (error instanceof UsageError) line = refusal(WORKER_BENCH_CLI, error);
    }
    expect(line).toMatch(
      /^bench:worker: --concurrency "32,x": expected a comma-separated list of positive whole numbers; valid flags: --events <n>, /,
    );
    expect(line).toMatch(/, --only <a,b>, --help$/);
  });

  it('names the round-trip flag and its range when refusing a value', () => {
    let line: string | undefined;
    try {
      parseOptions(['--datastore-rtt-ms', '5000']);
    } catch (error) {
      if (error instanceof UsageError) line = refusal(WORKER_BENCH_CLI, error);
    }
    expect(line).toMatch(
      /^bench:worker: --datastore-rtt-ms "5000": expected round trips from 0 to 1000 ms; valid flags: /,
    );
  });

  it('shows every default in the usage', () => {
    const usage = usageText(WORKER_BENCH_CLI);
    for (const shown of [
      '(default: 5000)',
      '(default: 0.9)',
      '(default: 32,200)',
      '(default: 32,80,200)',
      '(default: all)',
      '--datastore-rtt-ms <a,b>',
      '(default: 1000)',
      '(default: 50000)',
    ])
      expect(usage).toContain(shown);
  });
});
