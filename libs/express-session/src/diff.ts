import { isDeepStrictEqual } from 'node:util';
import { toJsonValue, type JsonObject, type JsonValue, type Op } from '@gaesession/core';

/**
 * The session express-session hands a store, as the JSON it would be stored as: its enumerable
 * properties (the non-enumerable `req` and `id` stay out), `cookie` through its `toJSON`, Dates
 * as ISO strings, `undefined` dropped. What connect-redis and the other stores keep, too.
 */
export function sessionJson(sess: object): JsonObject {
  const json: unknown = JSON.parse(JSON.stringify(sess));
  return toJsonValue(json, 'session') as JsonObject;
}

const own = (object: JsonObject, name: string): boolean => Object.prototype.hasOwnProperty.call(object, name);

function isStep(before: JsonValue | undefined, after: JsonValue): boolean {
  return (
    typeof before === 'number' &&
    typeof after === 'number' &&
    Number.isSafeInteger(before) &&
    Number.isSafeInteger(after) &&
    Math.abs(after - before) === 1
  );
}

/**
 * The operations that turn `before` (what the request loaded) into `after` (what it saves), top-level
 * key by key: `set` for a new or changed value, `delete` for a removed one, and with `mergeCounters`
 * `incr` for an integer moved by exactly one, so that concurrent increments all count.
 */
export function diffSession(before: JsonObject, after: JsonObject, mergeCounters: boolean): Op[] {
  const ops: Op[] = [];
  for (const [name, value] of Object.entries(after)) {
    const old = own(before, name) ? before[name] : undefined;
    if (old !== undefined && isDeepStrictEqual(old, value)) continue;
    if (mergeCounters && isStep(old, value)) ops.push({ op: 'incr', name, by: (value as number) - (old as number) });
    else ops.push({ op: 'set', name, value });
  }
  for (const name of Object.keys(before)) if (!own(after, name)) ops.push({ op: 'delete', name });
  return ops;
}
