import { Redis } from 'ioredis';

/**
 * Deletes every key under `prefix` on the Redis-protocol server at `url` (SCAN + DEL, never a
 * flush: the server is shared). For the keys a test left in the shared Valkey cache, which would
 * otherwise live as long as their sessions.
 */
export async function deleteKeysUnder(url: string, prefix: string): Promise<void> {
  const admin = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await admin.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    admin.disconnect();
  }
}
