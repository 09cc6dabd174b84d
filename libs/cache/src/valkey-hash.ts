import type { JsonObject, JsonValue, SessionRecord } from '@gaesession/core';
import type { CacheEntry, CachedEntry } from './cache.js';

/** The field prefix of an attribute: `a:<name>` holds the value's JSON. */
const ATTRIBUTE = 'a:';

/**
 * The hash fields of an entry, as a flat field/value list (the token `c` is the script's to set).
 * A session is `k` key, `v` version, `cr` created, `ac` accessed, `to` timeout, `p` its principal
 * (when it has one), `cn` the constants' JSON and one `a:<name>` per attribute; a tombstone is `t` = 1.
 */
export function entryFields(entry: CacheEntry): string[] {
  if ('tombstone' in entry) return ['t', '1'];
  const { key, version, created, accessed, timeout, principal, constants, attrs } = entry.record;
  const fields = ['k', key, 'v', String(version), 'cr', String(created), 'ac', String(accessed)];
  fields.push('to', String(timeout), 'cn', JSON.stringify(constants));
  if (principal !== undefined) fields.push('p', principal);
  for (const [name, value] of Object.entries(attrs)) fields.push(ATTRIBUTE + name, JSON.stringify(value));
  return fields;
}

/** A hash's size as the update script estimates it (bytes of each field and value, plus 4 each): about its JSON's. */
export function fieldsBytes(fields: readonly string[]): number {
  let size = 0;
  for (const text of fields) size += Buffer.byteLength(text) + 2;
  return size;
}

/** The entry a hash holds (its fields as HGETALL gives them), or undefined for an empty hash (a miss). */
export function entryFromHash(hash: Readonly<Record<string, string>>): CachedEntry | undefined {
  const cas = hash.c;
  if (cas === undefined) return undefined;
  return { entry: readEntry(hash), cas: BigInt(cas) };
}

/** A flat HGETALL reply (field, value, field, value...) as an object. */
export function hashFromList(list: readonly string[]): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) hash[list[i] as string] = list[i + 1] as string;
  return hash;
}

/** The entry of a hash; undefined when the hash is not one this adapter wrote (unreadable: a miss). */
function readEntry(hash: Readonly<Record<string, string>>): CacheEntry | undefined {
  if (hash.t === '1') return { tombstone: true };
  const { k: key, v, cr, ac, to, cn, p: principal } = hash;
  if (key === undefined || v === undefined || cr === undefined || ac === undefined || to === undefined)
    return undefined;
  if (cn === undefined) return undefined;
  try {
    // fromEntries, not assignment: an attribute named "__proto__" stays an attribute.
    const attrs: JsonObject = Object.fromEntries(
      Object.entries(hash)
        .filter(([field]) => field.startsWith(ATTRIBUTE))
        .map(([field, value]) => [field.slice(ATTRIBUTE.length), JSON.parse(value) as JsonValue]),
    );
    const record: SessionRecord = {
      key,
      version: Number(v),
      created: Number(cr),
      accessed: Number(ac),
      timeout: Number(to),
      ...(principal === undefined ? {} : { principal }),
      constants: JSON.parse(cn) as JsonObject,
      attrs,
    };
    return [record.version, record.created, record.accessed, record.timeout].every(Number.isSafeInteger)
      ? { record }
      : undefined;
  } catch {
    return undefined;
  }
}
