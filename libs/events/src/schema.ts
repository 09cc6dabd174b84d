import { z } from 'zod';
import { InvalidEventError } from './errors.js';
import { eventId, type SessionEvent } from './event.js';

const key = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a 43-character base64url session key');
const time = z.number().int().nonnegative();
const name = z.string().min(1);
const jsonObject = z.record(z.string(), z.json());

const op = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('set'), name, value: z.json() }),
  z.strictObject({ op: z.literal('delete'), name }),
  z.strictObject({ op: z.literal('incr'), name, by: z.number().refine(Number.isFinite, 'must be finite') }),
]);

const snapshot = z.strictObject({
  created: time,
  accessed: time,
  timeout: z.number().int().positive(),
  constants: jsonObject,
  attrs: jsonObject,
});

const event = z
  .strictObject({
    v: z.literal(1),
    id: z.string(),
    type: z.enum(['created', 'updated', 'touched', 'destroyed']),
    key,
    version: z.number().int().positive(),
    ops: z.array(op),
    snapshot: snapshot.nullable(),
    occurredAt: time,
    expiresAt: time,
  })
  .refine((e) => e.id === eventId(e.key, e.version), { message: 'id must be "<key>.<version>"', path: ['id'] })
  .refine((e) => (e.type === 'destroyed') === (e.snapshot === null), {
    message: 'snapshot must be null exactly for destroyed events',
    path: ['snapshot'],
  });

/** Validates an untrusted value as a v1 event, or throws {@link InvalidEventError} with the reason. */
export function parseEvent(value: unknown): SessionEvent {
  const result = event.safeParse(value);
  if (!result.success) throw new InvalidEventError(z.prettifyError(result.error).replaceAll('\n', '; '));
  return result.data as SessionEvent;
}
