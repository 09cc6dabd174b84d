import { status, type ServerErrorResponse } from '@grpc/grpc-js';

/**
 * A gRPC status a handler answers with (NOT_FOUND, ALREADY_EXISTS, ...). It is protocol, not a
 * session failure: it never leaves the emulator except as the status of the call, which is why
 * it does not join the SessionError hierarchy.
 */
export class RpcError extends Error {
  constructor(
    readonly grpcCode: status,
    message: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }

  /** The error as grpc-js sends it: code plus details. */
  toServerError(): ServerErrorResponse {
    return Object.assign(new Error(this.message), { code: this.grpcCode, details: this.message });
  }
}

export const invalidArgument = (message: string): RpcError => new RpcError(status.INVALID_ARGUMENT, message);
export const notFound = (message: string): RpcError => new RpcError(status.NOT_FOUND, message);
export const alreadyExists = (message: string): RpcError => new RpcError(status.ALREADY_EXISTS, message);
