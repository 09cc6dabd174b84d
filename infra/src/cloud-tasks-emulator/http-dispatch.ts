import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { OutgoingRequest } from './dispatch-request.js';

/** How an attempt ended: an HTTP answer, or no answer at all. */
export type DispatchOutcome =
  { kind: 'response'; status: number } | { kind: 'failure'; reason: string; timedOut: boolean };

/**
 * Sends one attempt and waits for the response status (the body is read and discarded).
 * Never rejects: connection errors, the deadline and `signal` all end as a failure outcome.
 */
export function sendRequest(
  outgoing: OutgoingRequest,
  deadlineMs: number,
  signal: AbortSignal,
): Promise<DispatchOutcome> {
  if (signal.aborted) return Promise.resolve({ kind: 'failure', reason: 'emulator shutting down', timedOut: false });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: DispatchOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const send = outgoing.url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = send(outgoing.url, {
      method: outgoing.method,
      headers: { ...outgoing.headers, 'Content-Length': String(outgoing.body.length) },
    });
    const timer = setTimeout(() => {
      finish({ kind: 'failure', reason: `no response within the ${deadlineMs} ms dispatch deadline`, timedOut: true });
      req.destroy();
    }, deadlineMs);
    const onAbort = () => {
      finish({ kind: 'failure', reason: 'emulator shutting down', timedOut: false });
      req.destroy();
    };
    signal.addEventListener('abort', onAbort);
    req.on('response', (res) => {
      res.resume();
      const answered = () => {
        finish({ kind: 'response', status: res.statusCode ?? 0 });
      };
      res.on('end', answered);
      res.on('error', answered);
    });
    req.on('error', (error) => {
      finish({ kind: 'failure', reason: error.message, timedOut: false });
    });
    req.end(outgoing.body);
  });
}
