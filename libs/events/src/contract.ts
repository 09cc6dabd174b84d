/**
 * The contract between the web side (the store's publishers) and the worker service: where tasks
 * go, how their bodies are encoded, and how the worker knows its caller. Both sides import these
 * names; nothing else spells them out.
 *
 * A task (Cloud Tasks push, or the body of a BullMQ job) carries `encodeEvents(events)`: a JSON
 * array of schema-v1 events (see `SessionEvent`), gzipped when large. A gzipped HTTP body is sent
 * as `application/octet-stream` with {@link ENCODING_HEADER}`: gzip`; a plain one as
 * `application/json`. BullMQ carries the same bytes as text (`toTransportString`).
 */

/** The worker's task endpoint: `POST` a batch of events (the Cloud Tasks `relativeUri`). */
export const TASK_PATH = '/tasks/session-events';

/** The worker's purge endpoint: `GET`, from cron.yaml; `?cursor=` resumes an unfinished run. */
export const PURGE_PATH = '/tasks/purge';

/**
 * Off App Engine, task and cron requests prove they come from the platform with this header,
 * carrying the shared secret (WORKER_SHARED_SECRET). On App Engine the worker trusts only the
 * `X-AppEngine-*` headers the platform sets.
 */
export const SECRET_HEADER = 'X-Worker-Secret';

/** Set to `gzip` on a task whose body is gzipped. */
export const ENCODING_HEADER = 'X-Gaesession-Encoding';

/** The event queue: the BullMQ queue, and the Cloud Tasks queue in queue.yaml. */
export const DEFAULT_QUEUE_NAME = 'session-events';

/** The App Engine service that runs the worker, and receives the tasks. */
export const DEFAULT_WORKER_SERVICE = 'worker';
