export { decodeEntry, encodeRecord, type CacheEntry } from './cache-entry.js';
export { SessionUnavailableError } from './errors.js';
export { CounterMetrics, noMetrics, type StoreCounter, type StoreMetrics } from './metrics.js';
export type { DurabilityMode, WriteBehindStoreOptions } from './options.js';
export { DESTROYED_VERSION, WriteBehindStore } from './write-behind-store.js';
export { createDatastore, createPublisher, createSessionStore, type ConfiguredStore } from './from-config.js';
