import { setTimeout as sleep } from 'node:timers/promises';
import type { Datastore } from '@google-cloud/datastore';
import { withDefaults } from '@gaesession/core';
import { ensureCredentials } from './credentials.js';
import { DatastoreUnavailableError } from './errors.js';

/** Bounded retries with jittered exponential backoff, for every Datastore call of this package. */
export interface RetryOptions {
  /** Attempts in total, including the first. @defaultValue 6 */
  attempts?: number;
  /** Backoff before the first retry, in ms; it doubles with each retry (full jitter). @defaultValue 50 */
  baseDelayMs?: number;
  /** Upper bound of one backoff, in ms. @defaultValue 2000 */
  maxDelayMs?: number;
  /** Deadline of one Datastore call (including the client's own retries), in ms. @defaultValue 10000 */
  callTimeoutMs?: number;
}

export type ResolvedRetry = Readonly<Required<RetryOptions>>;

/** The defaults of {@link RetryOptions}. */
export const RETRY_DEFAULTS: ResolvedRetry = { attempts: 6, baseDelayMs: 50, maxDelayMs: 2000, callTimeoutMs: 10_000 };

export function resolveRetry(options: RetryOptions = {}): ResolvedRetry {
  const resolved = withDefaults(RETRY_DEFAULTS, options);
  return { ...resolved, attempts: Math.max(1, resolved.attempts) };
}

/** The gax call options that bound one Datastore call (a subset of gax's `CallOptions`). */
export function callOptions(retry: ResolvedRetry): { timeout: number } {
  return { timeout: retry.callTimeoutMs };
}

/** How a failed Datastore call should be handled. */
export type FailureKind = 'contention' | 'unreachable' | 'fatal';

// gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscode.html).
const ABORTED = 10;
const TRANSIENT_CODES = new Set([
  4, // DEADLINE_EXCEEDED
  8, // RESOURCE_EXHAUSTED
  13, // INTERNAL
  14, // UNAVAILABLE
]);
const NETWORK_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

/**
 * Contention (ABORTED, "too much contention", transaction conflicts) and an unreachable or
 * overloaded service are worth retrying; anything else (bad argument, entity too large,
 * permission) will fail again the same way.
 */
export function classifyFailure(error: unknown): FailureKind {
  if (typeof error !== 'object' || error === null) return 'fatal';
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  if (code === ABORTED || /too much contention|transaction.*conflict/i.test(text)) return 'contention';
  if (typeof code === 'number' && TRANSIENT_CODES.has(code)) return 'unreachable';
  if (typeof code === 'string' && NETWORK_ERRNOS.has(code)) return 'unreachable';
  return 'fatal';
}

/** Full-jitter backoff for the retry after `attempt` failed attempts. */
export function backoffMs(attempt: number, retry: ResolvedRetry, random = Math.random): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

/**
 * Runs `fn` (a call of `datastore`, once it has credentials: see {@link ensureCredentials}) until it succeeds, a fatal error occurs (rethrown as is), or the attempts run out
 * ({@link DatastoreUnavailableError}). `fn` must be safe to repeat: every caller here re-reads
 * what it decides on, so a retry after an ambiguous commit cannot apply anything twice.
 */
export async function withRetry<T>(
  datastore: Datastore,
  operation: string,
  retry: ResolvedRetry,
  fn: () => Promise<T>,
): Promise<T> {
  await ensureCredentials(datastore);
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const kind = classifyFailure(error);
      if (kind === 'fatal') throw error;
      if (attempt >= retry.attempts) throw new DatastoreUnavailableError(operation, kind, attempt, error);
      await sleep(backoffMs(attempt, retry));
    }
  }
}
