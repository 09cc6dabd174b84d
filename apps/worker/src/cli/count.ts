import type { Datastore, Query } from '@google-cloud/datastore';

/** A query over `kind` in `namespace` (the default namespace when undefined). */
export function kindQuery(datastore: Datastore, namespace: string | undefined, kind: string): Query {
  return namespace === undefined ? datastore.createQuery(kind) : datastore.createQuery(namespace, kind);
}
