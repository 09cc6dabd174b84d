export { loadConfig, type Config, type QueueBackend, type SessionMode } from './config.js';
export { VARIABLES, type Variable, type VariableName } from './variables.js';
