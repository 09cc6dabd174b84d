import { randomBytes } from 'node:crypto';
import { serviceAddresses, type ServiceAddresses } from '../services.js';

/** What one bench run shares across its servers. */
export interface RunContext {
  /** Prefix of every key, queue and namespace this run creates: `bench-<12 hex>`. */
  readonly runId: string;
  readonly services: ServiceAddresses;
  /** Cookie-signing secret of every server with sessions (random per run). */
  readonly cookieSecret: string;
}

export function newRunContext(services: ServiceAddresses = serviceAddresses()): RunContext {
  return {
    runId: `bench-${randomBytes(6).toString('hex')}`,
    services,
    cookieSecret: randomBytes(24).toString('base64url'),
  };
}
