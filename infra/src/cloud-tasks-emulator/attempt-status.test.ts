import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { failureStatus, responseStatus, rpcCodeForHttpStatus } from './attempt-status.js';

describe('attempt status', () => {
  it('maps HTTP answers to google.rpc codes as code.proto documents', () => {
    const mapped = [200, 204, 400, 401, 403, 404, 409, 418, 429, 499, 500, 501, 502, 503, 504].map(
      rpcCodeForHttpStatus,
    );
    expect(mapped).toEqual([
      status.OK,
      status.OK,
      status.INVALID_ARGUMENT,
      status.UNAUTHENTICATED,
      status.PERMISSION_DENIED,
      status.NOT_FOUND,
      status.ABORTED,
      status.FAILED_PRECONDITION,
      status.RESOURCE_EXHAUSTED,
      status.CANCELLED,
      status.INTERNAL,
      status.UNIMPLEMENTED,
      status.UNKNOWN,
      status.UNAVAILABLE,
      status.DEADLINE_EXCEEDED,
    ]);
    expect(responseStatus(500)).toEqual({ code: status.INTERNAL, message: 'HTTP status code 500' });
  });

  it('tells a missed deadline from a transport failure', () => {
    expect(failureStatus('late', true).code).toBe(status.DEADLINE_EXCEEDED);
    expect(failureStatus('ECONNREFUSED', false)).toEqual({ code: status.UNAVAILABLE, message: 'ECONNREFUSED' });
  });
});
