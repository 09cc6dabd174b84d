import { Datastore, type Key, type Query } from '@google-cloud/datastore';

/** A named key of `kind` in `namespace` (the default namespace when undefined). */
export function datastoreKey(datastore: Datastore, namespace: string | undefined, kind: string, name: string): Key {
  return datastore.key(namespace === undefined ? { path: [kind, name] } : { namespace, path: [kind, name] });
}

/** A string that identifies a key within one namespace: kind and name. */
export function keyId(key: Key): string {
  return `${key.kind}\u0000${key.name ?? String(key.id)}`;
}

/** The key of an entity the client returned (lookup or query result). */
export function keyOfEntity(entity: unknown): Key {
  const key = (entity as Record<symbol, unknown>)[Datastore.KEY];
  if (!(key instanceof Object) || !('kind' in key)) throw new TypeError('not a Datastore entity: it has no key');
  return key as Key;
}

/** The {@link keyId} of an entity the client returned. */
export function entityKeyOf(entity: unknown): string {
  return keyId(keyOfEntity(entity));
}

/** A query over `kind` in `namespace` (the default namespace when undefined). */
export function kindQuery(datastore: Datastore, namespace: string | undefined, kind: string): Query {
  return namespace === undefined ? datastore.createQuery(kind) : datastore.createQuery(namespace, kind);
}

/** The entity of a one-key lookup, or undefined. (The client types entities as `any`; this makes them `unknown`.) */
export function foundEntity(response: readonly unknown[]): unknown {
  return response[0];
}

/** The entities of a many-key lookup; missing keys are left out, in no particular order. */
export function foundEntities(response: readonly unknown[]): unknown[] {
  const [entities] = response;
  return Array.isArray(entities) ? (entities as unknown[]) : [];
}
