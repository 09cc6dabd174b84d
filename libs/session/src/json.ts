import { InvalidValueError } from './errors.js';

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

/**
 * Checks that `value` survives a JSON round trip unchanged and returns a deep-frozen copy.
 * Refuses, with an {@link InvalidValueError} naming the offending path: functions, symbols,
 * BigInt, undefined, non-finite numbers, cycles, and objects other than plain objects and
 * arrays (Date, Map, class instances...), which JSON would silently change.
 */
export function toJsonValue(value: unknown, path = 'value'): JsonValue {
  return copy(value, path, new Set());
}

function copy(value: unknown, path: string, ancestors: Set<object>): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidValueError(`${path} is ${value}, which JSON cannot hold`);
      return value;
    case 'object':
      if (value === null) return null;
      return copyObject(value, path, ancestors);
    default:
      throw new InvalidValueError(`${path} is a ${typeof value}, which JSON cannot hold`);
  }
}

function copyObject(value: object, path: string, ancestors: Set<object>): JsonValue {
  if (ancestors.has(value)) throw new InvalidValueError(`${path} refers back to itself (a cycle)`);
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      return Object.freeze(value.map((item: unknown, index) => copy(item, `${path}[${index}]`, ancestors)));
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new InvalidValueError(`${path} is a ${kind}; store plain objects, arrays and primitives`);
    }
    if (Object.getOwnPropertySymbols(value).length > 0) {
      throw new InvalidValueError(`${path} has symbol keys, which JSON drops`);
    }
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = copy(item, `${path}.${key}`, ancestors);
    }
    return Object.freeze(out);
  } finally {
    ancestors.delete(value);
  }
}

/** Deep-freezes a value parsed from JSON, so in-place edits fail loudly instead of being lost. */
export function freezeJson<T extends JsonValue>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) freezeJson(item as JsonValue);
  }
  return value;
}
