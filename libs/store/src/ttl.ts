/** Cache expiry for a record: its remaining sliding timeout, in whole seconds (at least 1). */
export function ttlSeconds(expiresAtMs: number, now: number): number {
  return Math.max(1, Math.ceil((expiresAtMs - now) / 1000));
}
