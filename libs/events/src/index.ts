export {
  DEFAULT_QUEUE_NAME,
  DEFAULT_WORKER_SERVICE,
  ENCODING_HEADER,
  PURGE_PATH,
  SECRET_HEADER,
  TASK_PATH,
} from './contract.js';
export {
  decodeBatch,
  decodeEvents,
  encodeEvents,
  encodeEventTexts,
  fromTransportString,
  MAX_PAYLOAD_DEPTH,
  MAX_TASK_BYTES,
  toTransportString,
} from './codec.js';
export type { EncodeOptions } from './codec.js';
export { EventTooLargeError, InvalidEventError, type EventErrorCode } from './errors.js';
export {
  DESTROYED_VERSION,
  destroyedEvent,
  EVENT_SCHEMA_VERSION,
  eventFromWrite,
  eventId,
  type SessionEvent,
  type SessionEventType,
  type SessionSnapshot,
} from './event.js';
export { MAX_TIME_MS, parseEvent } from './schema.js';
