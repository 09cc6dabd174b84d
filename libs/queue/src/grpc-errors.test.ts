import { describe, expect, it } from 'vitest';
import { classifyCreateTaskError } from './grpc-errors.js';

function grpcError(code: number): Error {
  return Object.assign(new Error(`status ${code}`), { code });
}

describe('classifyCreateTaskError', () => {
  it('counts ALREADY_EXISTS as the events being queued already', () => {
    expect(classifyCreateTaskError(grpcError(6))).toBe('exists');
  });

  it('treats unavailable, deadline, quota and unknown failures as the queue being unavailable', () => {
    for (const code of [1, 2, 4, 8, 13, 14]) expect(classifyCreateTaskError(grpcError(code))).toBe('unavailable');
  });

  it('treats errors without a gRPC status (network, timeouts) as the queue being unavailable', () => {
    expect(classifyCreateTaskError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe('unavailable');
    expect(classifyCreateTaskError('weird')).toBe('unavailable');
  });

  it('surfaces request and setup errors, which retrying cannot fix', () => {
    // INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, FAILED_PRECONDITION, UNAUTHENTICATED
    for (const code of [3, 5, 7, 9, 16]) expect(classifyCreateTaskError(grpcError(code))).toBe('refused');
  });
});
