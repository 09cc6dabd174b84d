export { GAE_SESSION_STORE_DEFAULTS, type GaeSessionStoreOptions, type SaveAfterDestroy } from './options.js';
export { GaeSessionStore } from './store.js';
export { diffSession, sessionJson } from './diff.js';
