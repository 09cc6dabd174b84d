import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { readableLine } from './readable-log.js';

function capture(): { lines: () => Record<string, unknown>[]; destination: { write(line: string): void } } {
  const raw: string[] = [];
  return {
    lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
    destination: { write: (line: string) => raw.push(line) },
  };
}

describe('createLogger', () => {
  it('writes JSON lines Cloud Logging reads: severity, message, time, serviceContext', () => {
    const out = capture();
    const log = createLogger({ service: 'web', version: 'v7', readable: false, destination: out.destination });
    log.info('started', { port: 8080 });
    log.warn('slow');
    const [info, warn] = out.lines();
    expect(info).toMatchObject({
      severity: 'INFO',
      message: 'started',
      port: 8080,
      serviceContext: { service: 'web', version: 'v7' },
    });
    expect(typeof info?.time).toBe('string');
    expect(warn).toMatchObject({ severity: 'WARNING', message: 'slow' });
    expect(info).not.toHaveProperty('level');
    expect(info).not.toHaveProperty('msg');
  });

  it("logs an error's name, code and message, and its stack as stack_trace (for Error Reporting)", () => {
    const out = capture();
    const error = Object.assign(new Error('boom'), { code: 'X' });
    createLogger({ readable: false, destination: out.destination }).error('failed', { error });
    const [line] = out.lines();
    expect(line).toMatchObject({ severity: 'ERROR', message: 'failed', error: { name: 'Error', message: 'boom' } });
    expect(String(line?.stack_trace)).toMatch(/^Error: boom\n\s+at /);
  });

  it('adds a child logger’s fields (a trace) to every line, and drops lines under the level', () => {
    const out = capture();
    const log = createLogger({ readable: false, destination: out.destination, level: 'warn' });
    const child = log.child({ 'logging.googleapis.com/trace': 'projects/p/traces/abc' });
    child.info('ignored');
    child.warn('kept');
    expect(out.lines()).toEqual([
      expect.objectContaining({ message: 'kept', 'logging.googleapis.com/trace': 'projects/p/traces/abc' }),
    ]);
  });
});

describe('readableLine', () => {
  it('shows time, severity, message and the other fields, then the stack', () => {
    const line = JSON.stringify({
      severity: 'ERROR',
      time: '2026-12-07T10:11:12.345Z',
      message: 'failed',
      path: '/x',
      stack_trace: 'Error: x\n    at y',
    });
    expect(readableLine(line)).toBe('10:11:12.345 ERROR   failed path=/x\nError: x\n    at y');
    expect(readableLine('not json\n')).toBe('not json');
  });
});
