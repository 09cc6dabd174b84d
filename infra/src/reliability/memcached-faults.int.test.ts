// memcached faults under load, on a private memcached: flushed and restarted while events are
// still queued, and unreachable for a while, then back with its old items (cache-faults.fixture.ts).
import { defineCacheFaults } from './cache-faults.fixture.js';

defineCacheFaults('memcached');
