import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingHttpHeaders } from 'node:http';

/** The trace a request belongs to, as Cloud Trace and Cloud Logging name it. */
export interface TraceContext {
  /** 32 hex digits. */
  readonly traceId: string;
  /** 16 hex digits, when the caller named its span. */
  readonly spanId?: string;
  readonly sampled: boolean;
}

const XCTC = /^([0-9a-f]{32})(?:\/(\d{1,20}))?(?:;o=([01]))?$/i;
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/i;

/**
 * The trace of a request, from `traceparent` (W3C) or `X-Cloud-Trace-Context`
 * (`TRACE_ID/SPAN_ID;o=1`, the span id in decimal), or undefined when it carries neither.
 */
export function traceFromHeaders(headers: IncomingHttpHeaders): TraceContext | undefined {
  const parent = single(headers.traceparent);
  const w3c = parent === undefined ? null : TRACEPARENT.exec(parent);
  if (w3c !== null) {
    const [, traceId = '', spanId = '', flags = '00'] = w3c;
    if (!/^0+$/.test(traceId))
      return { traceId: traceId.toLowerCase(), spanId, sampled: (parseInt(flags, 16) & 1) === 1 };
  }
  const cloud = single(headers['x-cloud-trace-context']);
  const match = cloud === undefined ? null : XCTC.exec(cloud);
  if (match === null) return undefined;
  const [, traceId = '', span, sampled] = match;
  const spanId = span === undefined ? undefined : BigInt(span).toString(16).padStart(16, '0').slice(-16);
  return { traceId: traceId.toLowerCase(), ...(spanId === undefined ? {} : { spanId }), sampled: sampled === '1' };
}

/** The log fields Cloud Logging reads to attach a line to its trace (`projectId` names the project). */
export function traceLogFields(trace: TraceContext, projectId: string): Record<string, unknown> {
  return {
    'logging.googleapis.com/trace': `projects/${projectId}/traces/${trace.traceId}`,
    ...(trace.spanId === undefined ? {} : { 'logging.googleapis.com/spanId': trace.spanId }),
    'logging.googleapis.com/trace_sampled': trace.sampled,
  };
}

const current = new AsyncLocalStorage<TraceContext>();

/** Runs `work` with `trace` as the current trace: events written meanwhile carry it to the worker. */
export function withTrace<T>(trace: TraceContext | undefined, work: () => T): T {
  return trace === undefined ? work() : current.run(trace, work);
}

/** The trace of the request being served, if it had one. */
export function currentTrace(): TraceContext | undefined {
  return current.getStore();
}

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value.trim() : undefined;
}
