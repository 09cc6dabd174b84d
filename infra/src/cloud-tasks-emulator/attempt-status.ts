import { status } from '@grpc/grpc-js';

/** google.rpc.Code for an HTTP status, following the mapping in google/rpc/code.proto. */
export function rpcCodeForHttpStatus(httpStatus: number): status {
  if (httpStatus >= 200 && httpStatus < 300) return status.OK;
  switch (httpStatus) {
    case 400:
      return status.INVALID_ARGUMENT;
    case 401:
      return status.UNAUTHENTICATED;
    case 403:
      return status.PERMISSION_DENIED;
    case 404:
      return status.NOT_FOUND;
    case 409:
      return status.ABORTED;
    case 429:
      return status.RESOURCE_EXHAUSTED;
    case 499:
      return status.CANCELLED;
    case 500:
      return status.INTERNAL;
    case 501:
      return status.UNIMPLEMENTED;
    case 503:
      return status.UNAVAILABLE;
    case 504:
      return status.DEADLINE_EXCEEDED;
    default:
      if (httpStatus >= 400 && httpStatus < 500) return status.FAILED_PRECONDITION;
      return status.UNKNOWN;
  }
}

/** The attempt status for an HTTP response. */
export function responseStatus(httpStatus: number): { code: number; message: string } {
  return { code: rpcCodeForHttpStatus(httpStatus), message: `HTTP status code ${httpStatus}` };
}

/** The attempt status when no response came back: a deadline or a transport failure. */
export function failureStatus(reason: string, timedOut: boolean): { code: number; message: string } {
  return { code: timedOut ? status.DEADLINE_EXCEEDED : status.UNAVAILABLE, message: reason };
}
