import { DEFAULT_SESSION_KIND } from '@gaesession/persistence';
import type { Datastore } from './context.js';

/** The version of every Session entity in `namespace`, by key name. */
export async function storedVersions(datastore: Datastore, namespace: string): Promise<Map<string, number>> {
  const [entities] = await datastore.runQuery(datastore.createQuery(namespace, DEFAULT_SESSION_KIND));
  const found: unknown[] = entities;
  return new Map(
    found.map((entity) => {
      const key = (entity as Record<symbol, { name?: string }>)[datastore.KEY];
      return [key?.name ?? '', (entity as { version?: unknown }).version as number];
    }),
  );
}

/**
 * What differs between the versions Datastore holds and the ones expected, as short lines
 * (at most `limit`); empty when they match.
 */
export function versionMismatches(
  expected: ReadonlyMap<string, number>,
  stored: ReadonlyMap<string, number>,
  limit = 3,
): string[] {
  const problems: string[] = [];
  if (stored.size !== expected.size) problems.push(`${stored.size} sessions stored, ${expected.size} expected`);
  for (const [key, version] of expected) {
    if (problems.length >= limit) break;
    const got = stored.get(key);
    if (got !== version) problems.push(`session ${key.slice(0, 8)}…: version ${got ?? 'missing'}, expected ${version}`);
  }
  return problems;
}
