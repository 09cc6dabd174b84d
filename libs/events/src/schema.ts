import { MAX_JSON_DEPTH, MAX_PRINCIPAL_LENGTH, toJsonValue } from '@gaesession/core';
import { z } from 'zod';
import { InvalidEventError } from './errors.js';
import { eventId, type SessionEvent } from './event.js';

/** Largest time a JavaScript Date holds (ms since the epoch): Datastore stores times as timestamps. */
export const MAX_TIME_MS = 8.64e15;

const key = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a 43-character base64url session key');
const time = z.number().int().nonnegative().max(MAX_TIME_MS);
const name = z.string().min(1);
// The session library's own JSON check, not zod's record/json: those silently drop "__proto__"
// keys, which sessions keep (as JSON.parse does), so a round trip through an event must too.
// A value nests at most MAX_JSON_DEPTH levels; an attribute map holds such values, one level up.
const jsonNesting = (maxDepth: number) =>
  z.unknown().superRefine((value, ctx) => {
    try {
      toJsonValue(value, 'value', maxDepth);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });
const json = jsonNesting(MAX_JSON_DEPTH);
const jsonObject = jsonNesting(MAX_JSON_DEPTH + 1).refine(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  'must be a JSON object',
);

const op = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('set'), name, value: json }),
  z.strictObject({ op: z.literal('delete'), name }),
  z.strictObject({ op: z.literal('incr'), name, by: z.number().refine(Number.isFinite, 'must be finite') }),
]);

const snapshot = z.strictObject({
  created: time,
  accessed: time,
  timeout: z.number().int().positive(),
  principal: z.string().min(1).max(MAX_PRINCIPAL_LENGTH).optional(),
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
    trace: z
      .string()
      .regex(/^[0-9a-f]{32}$/, 'must be 32 hex digits')
      .optional(),
  })
  .refine((e) => e.id === eventId(e.key, e.version), { error: 'id must be "<key>.<version>"', path: ['id'] })
  .refine((e) => (e.type === 'destroyed') === (e.snapshot === null), {
    error: 'snapshot must be null exactly for destroyed events',
    path: ['snapshot'],
  });

/** Validates an untrusted value as a v1 event, or throws {@link InvalidEventError} with the reason. */
export function parseEvent(value: unknown): SessionEvent {
  const result = event.safeParse(value);
  if (!result.success) throw new InvalidEventError(z.prettifyError(result.error).replaceAll('\n', '; '));
  return result.data as SessionEvent;
}
