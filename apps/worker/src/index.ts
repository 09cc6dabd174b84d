export {
  createWorkerApp,
  createWorkerRouter,
  type WorkerAppDependencies,
  type WorkerRouterDependencies,
} from './app.js';
export { authorize, requirePlatform, type AuthDecision, type AuthPolicy, type PlatformCaller } from './auth.js';
export { PURGE_JOB_NAME, startLocalQueue, type LocalQueueOptions } from './bullmq.js';
export { DeliveryFailedError, ForbiddenError, TaskTooLargeError, WorkerStoppingError } from './errors.js';
export {
  GROUP_COMMIT_DEFAULTS,
  GroupCommitter,
  type CommitObserver,
  type CommitStats,
  type GroupCommitterOptions,
} from './group-commit.js';
export { WorkerMetrics, type WorkerMetricsOptions } from './metrics.js';
export {
  payloadText,
  processPayload,
  rejectPayload,
  type DeadLetterDependencies,
  type DeadLetterReason,
  type Delivery,
  type DeliveryObserver,
  type DeliveryOutcome,
  type PayloadDependencies,
} from './process-payload.js';
export { purgeRunner, type PurgeRunner, type PurgeRunnerDependencies } from './purge.js';
export { startWorker, type RunningWorker, type StartWorkerOptions } from './server.js';
export { encodingMismatch, taskAttempt, type TaskAttempt } from './task-request.js';
export { MAX_TASK_BODY_BYTES, taskHandler, type TaskRouteOptions } from './task-route.js';
export {
  createDeadLetterStore,
  createWorkerServices,
  PURGE_GRACE_MS,
  purgeOptions,
  type WorkerServices,
  type WorkerServicesOptions,
} from './wiring.js';
export { createWorker, type Worker, type WorkerOptions } from './worker.js';
