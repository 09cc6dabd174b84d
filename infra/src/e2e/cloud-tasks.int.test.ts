// The end-to-end scenarios on the production queue path: Cloud Tasks (the local emulator, with the
// repository's queue.yaml) pushing to a worker that runs as if on App Engine.
import { cloudTasksBackend } from './cloud-tasks-backend.fixture.js';
import { defineQueueScenarios } from './scenarios.fixture.js';
import { defineSessionScenarios } from './sessions-scenarios.fixture.js';

defineQueueScenarios(cloudTasksBackend);
defineSessionScenarios(cloudTasksBackend);
