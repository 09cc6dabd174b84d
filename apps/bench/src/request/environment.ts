import { randomBytes } from 'node:crypto';
import { serviceAddresses, type ServiceAddresses } from '../services.js';

/** What one bench run shares across its servers. */
export interface RunContext {
  /** Prefix of every key, queue and namespace this run creates: `bench-<12 hex>`. */
  readonly runId: string;
  readonly services: ServiceAddresses;
  /** The Valkey cache of the Valkey row (a Redis 7 protocol server): CACHE_URL, else redis://127.0.0.1:6380. */
  readonly valkeyUrl: string;
  /** Cookie-signing secret of every server with sessions (random per run). */
  readonly cookieSecret: string;
}

export function newRunContext(
  services: ServiceAddresses = serviceAddresses(),
  valkeyUrl = process.env.CACHE_URL ?? 'redis://127.0.0.1:6380',
): RunContext {
  return {
    runId: `bench-${randomBytes(6).toString('hex')}`,
    services,
    valkeyUrl,
    cookieSecret: randomBytes(24).toString('base64url'),
  };
}
