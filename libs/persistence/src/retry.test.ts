import { Datastore } from '@google-cloud/datastore';
import { isSessionError } from '@gaesession/core';
import { describe, expect, it, vi } from 'vitest';
import { DatastoreUnavailableError } from './errors.js';
import { backoffMs, classifyFailure, resolveRetry, withRetry } from './retry.js';

const fast = resolveRetry({ attempts: 4, baseDelayMs: 1, maxDelayMs: 2 });
// An emulator client (it needs no credentials) that is never called: the calls are the tests' own.
const datastore = new Datastore({ projectId: 'p', apiEndpoint: 'http://127.0.0.1:1' });
const grpcError = (code: number, message = 'x'): Error => Object.assign(new Error(`${code} ${message}`), { code });

describe('classifyFailure', () => {
  it('tells contention, unreachable and fatal apart', () => {
    expect(classifyFailure(grpcError(10, 'ABORTED: too much contention'))).toBe('contention');
    expect(classifyFailure(new Error('too much contention on these datastore entities'))).toBe('contention');
    expect(classifyFailure(grpcError(14, 'UNAVAILABLE'))).toBe('unreachable');
    expect(classifyFailure(grpcError(4, 'DEADLINE_EXCEEDED'))).toBe('unreachable');
    expect(classifyFailure(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe('unreachable');
    expect(classifyFailure(grpcError(3, 'INVALID_ARGUMENT: entity too big'))).toBe('fatal');
    expect(classifyFailure(grpcError(6, 'ALREADY_EXISTS'))).toBe('fatal');
    expect(classifyFailure('nope')).toBe('fatal');
  });
});

describe('backoffMs', () => {
  it('grows exponentially up to the cap, with jitter below the ceiling', () => {
    const retry = resolveRetry({ baseDelayMs: 50, maxDelayMs: 300 });
    expect(backoffMs(1, retry, () => 1)).toBe(50);
    expect(backoffMs(3, retry, () => 1)).toBe(200);
    expect(backoffMs(10, retry, () => 1)).toBe(300);
    expect(backoffMs(3, retry, () => 0.5)).toBe(100);
  });
});

describe('withRetry', () => {
  it('retries contention until it succeeds', async () => {
    let calls = 0;
    const result = await withRetry(datastore, 'op', fast, () => {
      calls++;
      return calls < 3 ? Promise.reject(grpcError(10)) : Promise.resolve('done');
    });
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('gives up after the attempts with DATASTORE_UNAVAILABLE and the cause', async () => {
    let calls = 0;
    const cause = grpcError(14, 'UNAVAILABLE');
    const error: unknown = await withRetry(datastore, 'load', fast, () => {
      calls++;
      return Promise.reject(cause);
    }).catch((caught: unknown) => caught);
    expect(calls).toBe(4);
    expect(isSessionError(error, 'DATASTORE_UNAVAILABLE')).toBe(true);
    expect(error).toBeInstanceOf(DatastoreUnavailableError);
    expect((error as DatastoreUnavailableError).reason).toBe('unreachable');
    expect((error as DatastoreUnavailableError).status).toBe(503);
    expect((error as Error).cause).toBe(cause);
  });

  it('rethrows a fatal error at once', async () => {
    let calls = 0;
    const fatal = grpcError(3, 'INVALID_ARGUMENT');
    await expect(
      withRetry(datastore, 'op', fast, () => {
        calls++;
        return Promise.reject(fatal);
      }),
    ).rejects.toBe(fatal);
    expect(calls).toBe(1);
  });
});

describe('withRetry without credentials', () => {
  it('fails with DATASTORE_UNAVAILABLE naming the credentials, without calling the client', async () => {
    // No emulator endpoint and (on this machine) no Google credentials.
    // A key file that does not exist: a client without credentials, known at once (no metadata
    // probe). The client takes DATASTORE_EMULATOR_HOST (the integration suites set it) as the emulator.
    vi.stubEnv('DATASTORE_EMULATOR_HOST', '');
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the plainest way to get that client
    const production = new Datastore({ projectId: 'p', keyFilename: '/nonexistent/gaesession-credentials.json' });
    vi.unstubAllEnvs();
    let calls = 0;
    const error: unknown = await withRetry(production, 'load', fast, () => {
      calls++;
      return Promise.resolve('never');
    }).catch((caught: unknown) => caught);
    expect(calls).toBe(0);
    expect(isSessionError(error, 'DATASTORE_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toMatch(/^datastore credentials: /);
  });
});
