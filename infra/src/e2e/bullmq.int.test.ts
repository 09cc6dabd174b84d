// The end-to-end scenarios on the local queue path: BullMQ on Redis, sessions in memcached.
import { bullmqBackend } from './bullmq-backend.fixture.js';
import { defineQueueScenarios } from './scenarios.fixture.js';
import { defineSessionScenarios } from './sessions-scenarios.fixture.js';

defineQueueScenarios(bullmqBackend('memcached'));
defineSessionScenarios(bullmqBackend('memcached'));
