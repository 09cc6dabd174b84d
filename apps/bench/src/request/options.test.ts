import { refusal, usageText, UsageError } from '@gaesession/infra/cli';
import { describe, expect, it } from 'vitest';
import { SERVER_IDS } from './catalogue.js';
import { BENCH_CLI, parseOptions, sessionsLine } from './options.js';

describe('parseOptions', () => {
  it('defaults to 10 s runs, 32 connections, every server, 200 sessions, one round, 2 s warm-up, built packages', () => {
    expect(parseOptions([])).toEqual({
      duration: 10,
      connections: 32,
      only: [...SERVER_IDS],
      sessions: 200,
      rounds: 1,
      warmup: 2,
      from: 'build',
    });
  });

  it('reads --name value and --name=value, and keeps --only in catalogue order', () => {
    const options = parseOptions([
      '--duration',
      '3',
      '--connections=8',
      '--only',
      'gaesession,express',
      '--cpu-prof=/tmp/p',
      '--from',
      'source',
    ]);
    expect(options).toMatchObject({
      duration: 3,
      connections: 8,
      only: ['express', 'gaesession'],
      cpuProfDir: '/tmp/p',
      from: 'source',
    });
  });

  it.each([
    [['--duration', '0']],
    [['--duration', '1.5']],
    [['--connections']],
    [['--only', 'express,nginx']],
    [['--only', '']],
    [['--from', 'dist']],
    [['--sessions', '-1']],
    [['--sessions=-1']],
    [['--rounds', '0']],
    [['--cpu-prof']],
    [['--cpu-prof=']],
    [['--verbose', '1']],
    [['stray']],
  ])('refuses %j with a UsageError', (argv) => {
    expect(() => parseOptions(argv)).toThrow(UsageError);
  });

  it('names the flag, the value and what is expected, with the valid flags, in one line', () => {
    const line = (argv: string[]) => {
      try {
        parseOptions(argv);
      } catch (error) {
        if (error instanceof UsageError) return refusal(BENCH_CLI, error);
      }
      return undefined;
    };
    const flags =
      'valid flags: --duration <s>, --connections <n>, --only <a,b>, --sessions <n>, --rounds <n>, ' +
      '--warmup <s>, --from <build|source>, --cpu-prof <dir>, --idle-below <pct>, --help';
    expect(line(['--only', 'express,nginx'])).toBe(
      `bench: --only "express,nginx": expected comma-separated names from ${SERVER_IDS.join(', ')}; ${flags}`,
    );
    expect(line(['--conections', '8'])).toBe(
      `bench: unknown flag --conections (did you mean --connections?); ${flags}`,
    );
    expect(usageText(BENCH_CLI)).toContain('--duration <s>');
    expect(usageText(BENCH_CLI)).toContain('(default: 32)');
  });

  it('takes a threshold of background CPU to wait for', () => {
    expect(parseOptions(['--idle-below', '30']).idleBelow).toBe(30);
    expect(() => parseOptions(['--idle-below', 'x'])).toThrow(UsageError);
  });

  it('takes a fractional warm-up', () => {
    expect(parseOptions(['--warmup', '0.5']).warmup).toBe(0.5);
  });
});

describe('sessionsLine', () => {
  it('labels one session as the contention run', () => {
    expect(sessionsLine(1)).toBe('contention run: every request on one session');
    expect(sessionsLine(200)).toBe('requests spread over 200 sessions, round robin per request');
  });
});
