/**
 * The decoded shapes of the google.cloud.tasks.v2 messages the emulator reads and writes, as
 * proto-loader presents them (camelCase, int64 as string, enums as names, bytes as Buffer).
 * Every field is optional on the wire; only what the emulator touches is listed.
 */
export interface Timestamp {
  seconds?: string | number;
  nanos?: number;
}

export type Duration = Timestamp;

export interface RpcStatus {
  code?: number;
  message?: string;
}

export interface Attempt {
  scheduleTime?: Timestamp;
  dispatchTime?: Timestamp;
  responseTime?: Timestamp;
  responseStatus?: RpcStatus;
}

export interface AppEngineRouting {
  service?: string;
  version?: string;
  instance?: string;
  host?: string;
}

export type HttpMethod = 'HTTP_METHOD_UNSPECIFIED' | 'POST' | 'GET' | 'HEAD' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS';

export interface AppEngineHttpRequest {
  httpMethod?: HttpMethod;
  appEngineRouting?: AppEngineRouting;
  relativeUri?: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

export interface HttpRequest {
  url?: string;
  httpMethod?: HttpMethod;
  headers?: Record<string, string>;
  body?: Buffer;
  oauthToken?: unknown;
  oidcToken?: unknown;
}

export type TaskView = 'VIEW_UNSPECIFIED' | 'BASIC' | 'FULL';

export interface TaskMessage {
  name?: string;
  appEngineHttpRequest?: AppEngineHttpRequest;
  httpRequest?: HttpRequest;
  messageType?: 'appEngineHttpRequest' | 'httpRequest';
  scheduleTime?: Timestamp;
  createTime?: Timestamp;
  dispatchDeadline?: Duration;
  dispatchCount?: number;
  responseCount?: number;
  firstAttempt?: Attempt;
  lastAttempt?: Attempt;
  view?: TaskView;
}

export interface RateLimits {
  maxDispatchesPerSecond?: number;
  maxBurstSize?: number;
  maxConcurrentDispatches?: number;
}

export interface RetryConfig {
  maxAttempts?: number;
  maxRetryDuration?: Duration;
  minBackoff?: Duration;
  maxBackoff?: Duration;
  maxDoublings?: number;
}

export interface QueueMessage {
  name?: string;
  appEngineRoutingOverride?: AppEngineRouting;
  rateLimits?: RateLimits;
  retryConfig?: RetryConfig;
  state?: 'STATE_UNSPECIFIED' | 'RUNNING' | 'PAUSED' | 'DISABLED';
}
