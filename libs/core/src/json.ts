import { InvalidValueError } from './errors.js';

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

/**
 * How deeply a session value may nest arrays and objects: 100 levels (a value of `[[1]]` nests 2).
 * Deeper values are refused when set, so that no code that walks a value (this check, JSON.stringify,
 * the worker's validation) ever runs out of stack on one.
 */
export const MAX_JSON_DEPTH = 100;

/**
 * Checks that `value` survives a JSON round trip unchanged and returns a deep-frozen copy.
 * Refuses, with an {@link InvalidValueError} naming the offending path: functions, symbols (as
 * values or keys), BigInt, undefined, non-finite numbers, cycles, sparse arrays, arrays with extra
 * properties, objects other than plain objects and arrays (Date, Map, class instances...), which
 * JSON would silently change, and values nesting deeper than `maxDepth` levels (default
 * {@link MAX_JSON_DEPTH}). `-0` becomes `0`, as JSON writes it.
 */
export function toJsonValue(value: unknown, path = 'value', maxDepth = MAX_JSON_DEPTH): JsonValue {
  return copy(value, path, new Set(), maxDepth);
}

function copy(value: unknown, path: string, ancestors: Set<object>, maxDepth: number): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidValueError(`${path} is ${value}, which JSON cannot hold`);
      return value === 0 ? 0 : value;
    case 'object':
      if (value === null) return null;
      return copyObject(value, path, ancestors, maxDepth);
    default:
      throw new InvalidValueError(
        `${path} is ${value === undefined ? 'undefined' : `a ${typeof value}`}, which JSON cannot hold`,
      );
  }
}

function copyObject(value: object, path: string, ancestors: Set<object>, maxDepth: number): JsonValue {
  if (ancestors.has(value)) throw new InvalidValueError(`${path} refers back to itself (a cycle)`);
  // The ancestors are the containers this one sits in: their count is its nesting depth.
  if (ancestors.size >= maxDepth) throw new InvalidValueError(`${path} nests deeper than ${maxDepth} levels`);
  ancestors.add(value);
  try {
    return Object.freeze(
      Array.isArray(value)
        ? copyArray(value, path, ancestors, maxDepth)
        : copyPlainObject(value, path, ancestors, maxDepth),
    );
  } finally {
    ancestors.delete(value);
  }
}

function copyArray(value: readonly unknown[], path: string, ancestors: Set<object>, maxDepth: number): JsonValue[] {
  const out: JsonValue[] = [];
  for (let index = 0; index < value.length; index++) {
    const itemPath = `${path}[${index}]`;
    if (!Object.hasOwn(value, index))
      throw new InvalidValueError(`${itemPath} is an empty slot, which JSON turns into null`);
    out.push(copy(value[index], itemPath, ancestors, maxDepth));
  }
  // Own keys are the indexes plus `length`; anything else (named or symbol properties) JSON drops.
  if (Reflect.ownKeys(value).length !== value.length + 1) {
    throw new InvalidValueError(`${path} is an array with extra properties, which JSON drops`);
  }
  return out;
}

function copyPlainObject(value: object, path: string, ancestors: Set<object>, maxDepth: number): JsonObject {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    throw new InvalidValueError(`${path} is not a plain object (${kind}); store plain objects, arrays and primitives`);
  }
  if (Object.getOwnPropertySymbols(value).length > 0) {
    throw new InvalidValueError(`${path} has symbol keys, which JSON drops`);
  }
  // fromEntries defines own properties, so a "__proto__" key stays a key, as JSON.parse keeps it.
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, copy(item, childPath(path, key), ancestors, maxDepth)]),
  );
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Deep-freezes a value parsed from JSON, so in-place edits fail loudly instead of being lost.
 * It descends into frozen containers too: a frozen copy may still hold unfrozen parsed values.
 */
export function freezeJson<T extends JsonValue>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const item of Object.values(value)) freezeJson(item);
  }
  return value;
}
