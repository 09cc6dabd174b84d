export { startCloudTasksEmulator, type CloudTasksEmulator, type CloudTasksEmulatorOptions } from './emulator.js';
export type { EmulatorLogEntry, EmulatorStats } from './observe.js';
export { parseQueueYaml, parseRate, parseDuration, type QueueYamlConfig } from './queue-yaml.js';
export type { QueueSpec, RetrySpec, RoutingSpec } from './queue-spec.js';
export { backoffMs } from './retry.js';
