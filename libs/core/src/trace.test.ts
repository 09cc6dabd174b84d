import { describe, expect, it } from 'vitest';
import { currentTrace, traceFromHeaders, traceLogFields, withTrace } from './trace.js';

describe('traceFromHeaders', () => {
  it('reads X-Cloud-Trace-Context, its decimal span id as 16 hex digits', () => {
    const trace = traceFromHeaders({ 'x-cloud-trace-context': '0123456789abcdef0123456789abcdef/1;o=1' });
    expect(trace).toEqual({ traceId: '0123456789abcdef0123456789abcdef', spanId: '0000000000000001', sampled: true });
    expect(traceLogFields(trace!, 'proj')).toEqual({
      'logging.googleapis.com/trace': 'projects/proj/traces/0123456789abcdef0123456789abcdef',
      'logging.googleapis.com/spanId': '0000000000000001',
      'logging.googleapis.com/trace_sampled': true,
    });
    expect(traceFromHeaders({ 'x-cloud-trace-context': '0123456789ABCDEF0123456789ABCDEF' })).toEqual({
      traceId: '0123456789abcdef0123456789abcdef',
      sampled: false,
    });
  });

  it('prefers W3C traceparent, and ignores malformed or all-zero ids', () => {
    expect(
      traceFromHeaders({
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        'x-cloud-trace-context': '0123456789abcdef0123456789abcdef/1',
      }),
    ).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', sampled: true });
    for (const headers of [
      { traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' },
      { 'x-cloud-trace-context': 'nothex/1' },
      { 'x-cloud-trace-context': ['a', 'b'] },
      {},
    ]) {
      expect(traceFromHeaders(headers)).toBeUndefined();
    }
  });
});

describe('withTrace', () => {
  it('makes a trace current for the work, across awaits, and only there', async () => {
    const trace = { traceId: 'a'.repeat(32), sampled: false };
    const seen = await withTrace(trace, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return currentTrace();
    });
    expect(seen).toBe(trace);
    expect(currentTrace()).toBeUndefined();
  });
});
