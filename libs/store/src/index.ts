export { noMetrics, type StoreCounter, type StoreMetrics } from './metrics.js';
export { STORE_DEFAULTS, type DurabilityMode, type WriteBehindStoreOptions } from './options.js';
export { WriteBehindStore } from './write-behind-store.js';
