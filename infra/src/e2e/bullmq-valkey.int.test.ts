// The end-to-end scenarios on the local queue path with the other cache: BullMQ on Redis, sessions
// in the stack's Valkey cache (a redis-server on 6380), where the server applies each request's
// operations in one script. All of them: each takes a second or less beside the apps' start.
import { bullmqBackend } from './bullmq-backend.fixture.js';
import { defineQueueScenarios } from './scenarios.fixture.js';
import { defineSessionScenarios } from './sessions-scenarios.fixture.js';

defineQueueScenarios(bullmqBackend('valkey'));
defineSessionScenarios(bullmqBackend('valkey'));
