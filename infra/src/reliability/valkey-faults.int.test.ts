// Valkey cache faults under load, on a private redis-server as the cache: FLUSHALL and a restart
// (entries and loaded scripts gone) while events are still queued, and unreachable for a while
// (SIGSTOP), then back with its old entries (cache-faults.fixture.ts).
import { defineCacheFaults } from './cache-faults.fixture.js';

defineCacheFaults('valkey');
