import { toDuration, toMillis } from './proto-time.js';
import type { AppEngineRouting, QueueMessage } from './proto-types.js';
import {
  API_QUEUE_DEFAULTS,
  burstSizeForRate,
  validateQueueSpec,
  type QueueSpec,
  type RoutingSpec,
} from './queue-spec.js';

function routingToProto(routing: RoutingSpec): AppEngineRouting {
  const message: AppEngineRouting = {};
  if (routing.service !== undefined) message.service = routing.service;
  if (routing.version !== undefined) message.version = routing.version;
  return message;
}

/** A queue as GetQueue/ListQueues/CreateQueue answer it. */
export function queueToProto(name: string, spec: QueueSpec): QueueMessage {
  const { retry } = spec;
  const message: QueueMessage = {
    name,
    rateLimits: {
      maxDispatchesPerSecond: spec.maxDispatchesPerSecond,
      maxBurstSize: spec.maxBurstSize,
      maxConcurrentDispatches: spec.maxConcurrentDispatches,
    },
    retryConfig: {
      maxAttempts: retry.maxAttempts,
      maxRetryDuration: toDuration(retry.maxRetryDurationMs),
      minBackoff: toDuration(retry.minBackoffMs),
      maxBackoff: toDuration(retry.maxBackoffMs),
      maxDoublings: retry.maxDoublings,
    },
    state: 'RUNNING',
  };
  if (spec.routingOverride !== undefined) message.appEngineRoutingOverride = routingToProto(spec.routingOverride);
  return message;
}

/**
 * The spec of a queue created through the API: unset (or zero, which proto3 cannot tell apart)
 * fields take Cloud Tasks' defaults; `maxBurstSize` is output only and derived from the rate.
 */
export function queueSpecFromProto(id: string, message: QueueMessage): { spec: QueueSpec; problems: string[] } {
  const defaults = API_QUEUE_DEFAULTS;
  const rate = message.rateLimits?.maxDispatchesPerSecond || defaults.maxDispatchesPerSecond;
  const retry = message.retryConfig ?? {};
  const spec: QueueSpec = {
    id,
    maxDispatchesPerSecond: rate,
    maxBurstSize: burstSizeForRate(rate),
    maxConcurrentDispatches: message.rateLimits?.maxConcurrentDispatches || defaults.maxConcurrentDispatches,
    retry: {
      maxAttempts: retry.maxAttempts || defaults.retry.maxAttempts,
      maxRetryDurationMs: retry.maxRetryDuration === undefined ? 0 : toMillis(retry.maxRetryDuration),
      minBackoffMs: retry.minBackoff === undefined ? defaults.retry.minBackoffMs : toMillis(retry.minBackoff),
      maxBackoffMs: retry.maxBackoff === undefined ? defaults.retry.maxBackoffMs : toMillis(retry.maxBackoff),
      maxDoublings: retry.maxDoublings || defaults.retry.maxDoublings,
    },
  };
  const override = message.appEngineRoutingOverride;
  if (override?.service || override?.version) {
    const routing: RoutingSpec = {};
    if (override.service) routing.service = override.service;
    if (override.version) routing.version = override.version;
    spec.routingOverride = routing;
  }
  return { spec, problems: validateQueueSpec(spec) };
}
