import { setMaxListeners } from 'node:events';
import { failureStatus, responseStatus } from './attempt-status.js';
import { buildRequest, type OutgoingRequest } from './dispatch-request.js';
import type { DispatchOutcome } from './http-dispatch.js';
import { MinHeap } from './min-heap.js';
import type { EmulatorLogEntry, EmulatorStats } from './observe.js';
import type { QueueSpec } from './queue-spec.js';
import { backoffMs, retriesExhausted } from './retry.js';
import type { AttemptRecord, TaskState } from './task-state.js';
import { TokenBucket } from './token-bucket.js';

/** What a queue needs from the emulator around it. */
export interface RunnerContext {
  /** Service name (or `version.service`) → base URL. */
  targets: Readonly<Record<string, string>>;
  /** Deadline for tasks that set none, in ms. */
  defaultDispatchDeadlineMs: number;
  send: (request: OutgoingRequest, deadlineMs: number, signal: AbortSignal) => Promise<DispatchOutcome>;
  log: (entry: EmulatorLogEntry) => void;
  stats: EmulatorStats;
  /** A task left its queue (done, dropped or deleted): its name stays reserved for a while. */
  onTaskGone: (taskName: string) => void;
}

interface Waiting {
  due: number;
  seq: number;
  task: TaskState;
}

/**
 * One queue: holds its tasks and dispatches them in schedule order, within the token bucket
 * (rate, burst) and the concurrency cap, retrying failures with the queue's backoff.
 */
export class QueueRunner {
  private readonly tasks = new Map<string, TaskState>();
  private readonly running = new Set<TaskState>();
  private readonly waiting = new MinHeap<Waiting>((a, b) => a.due < b.due || (a.due === b.due && a.seq < b.seq));
  private readonly bucket: TokenBucket;
  private readonly abort = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    /** Full queue name, `projects/…/queues/{id}`. */
    readonly name: string,
    readonly spec: QueueSpec,
    private readonly context: RunnerContext,
  ) {
    this.bucket = new TokenBucket(spec.maxDispatchesPerSecond, spec.maxBurstSize);
    // Every attempt in flight listens on this one signal; up to max_concurrent_requests is no leak.
    setMaxListeners(spec.maxConcurrentDispatches + 1, this.abort.signal);
  }

  has(taskId: string): boolean {
    return this.tasks.has(taskId);
  }

  get(taskId: string): TaskState | undefined {
    return this.tasks.get(taskId);
  }

  /** Tasks sorted by name, the order ListTasks pages through. */
  list(): TaskState[] {
    return [...this.tasks.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  add(task: TaskState): void {
    this.tasks.set(task.id, task);
    this.enqueue(task);
    this.pump();
  }

  /** Removes a task; an attempt in flight finishes, but its outcome is ignored. */
  delete(taskId: string): boolean {
    const task = this.tasks.get(taskId);
    if (task === undefined) return false;
    this.forget(task);
    this.context.stats.deleted += 1;
    return true;
  }

  /** Stops dispatching and aborts attempts in flight; tasks are kept for inspection. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await Promise.all(this.inFlight);
  }

  private enqueue(task: TaskState): void {
    this.waiting.push({ due: task.scheduleTimeMs, seq: this.seq++, task });
  }

  private forget(task: TaskState): void {
    this.tasks.delete(task.id);
    this.context.onTaskGone(task.name);
  }

  private isCurrent(entry: Waiting): boolean {
    const { task } = entry;
    return this.tasks.get(task.id) === task && !this.running.has(task) && task.scheduleTimeMs === entry.due;
  }

  /** Starts every attempt that is due and allowed now, then sleeps until the next one could be. */
  private pump(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.running.size < this.spec.maxConcurrentDispatches) {
      const next = this.waiting.peek();
      if (next === undefined) return;
      if (!this.isCurrent(next)) {
        this.waiting.pop();
        continue;
      }
      const now = Date.now();
      const wait = next.due > now ? next.due - now : this.bucket.tryTake(now) ? 0 : this.bucket.msUntilToken(now);
      if (wait === Number.POSITIVE_INFINITY) return; // rate 0: the queue is effectively paused
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.pump();
        }, wait);
        this.timer.unref();
        return;
      }
      this.waiting.pop();
      const attempt = this.dispatch(next.task).finally(() => this.inFlight.delete(attempt));
      this.inFlight.add(attempt);
    }
  }

  private async dispatch(task: TaskState): Promise<void> {
    this.running.add(task);
    const dispatchTimeMs = Date.now();
    task.firstAttempt ??= { scheduleTimeMs: task.scheduleTimeMs, dispatchTimeMs };
    const request = buildRequest(task, {
      queueId: this.spec.id,
      targets: this.context.targets,
      ...(this.spec.routingOverride === undefined ? {} : { routingOverride: this.spec.routingOverride }),
    });
    let outcome: DispatchOutcome;
    if ('error' in request) {
      this.log('warn', 'target.missing', task, request.error);
      outcome = { kind: 'failure', reason: request.error, timedOut: false };
    } else {
      const deadline = task.dispatchDeadlineMs ?? this.context.defaultDispatchDeadlineMs;
      outcome = await this.context.send(request, deadline, this.abort.signal);
    }
    this.running.delete(task);
    if (this.closed) return;
    // A task deleted while in flight keeps its name reserved; its outcome no longer matters.
    if (this.tasks.get(task.id) === task) {
      this.record(task, dispatchTimeMs, outcome);
      this.settle(task, outcome);
    }
    this.pump();
  }

  private record(task: TaskState, dispatchTimeMs: number, outcome: DispatchOutcome): void {
    const attempt: AttemptRecord = { scheduleTimeMs: task.scheduleTimeMs, dispatchTimeMs, responseTimeMs: Date.now() };
    this.context.stats.attempts += 1;
    task.dispatchCount += 1;
    if (outcome.kind === 'response') {
      task.responseCount += 1;
      if (outcome.status !== 503) task.executionCount += 1;
      task.previousResponse = outcome.status;
      attempt.status = responseStatus(outcome.status);
    } else {
      attempt.status = failureStatus(outcome.reason, outcome.timedOut);
    }
    task.lastAttempt = attempt;
  }

  private settle(task: TaskState, outcome: DispatchOutcome): void {
    const describe = outcome.kind === 'response' ? `HTTP ${outcome.status}` : outcome.reason;
    if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300) {
      this.context.stats.succeeded += 1;
      this.log('info', 'attempt.succeeded', task, `${describe} after ${task.dispatchCount} attempt(s)`);
      this.forget(task);
      return;
    }
    this.context.stats.failedAttempts += 1;
    const now = Date.now();
    const firstMs = task.firstAttempt?.dispatchTimeMs ?? now;
    if (retriesExhausted(this.spec.retry, task.dispatchCount, firstMs, now)) {
      this.context.stats.dropped += 1;
      this.log('warn', 'task.dropped', task, `gave up after ${task.dispatchCount} attempt(s); last: ${describe}`);
      this.forget(task);
      return;
    }
    const delay = backoffMs(this.spec.retry, task.dispatchCount);
    this.log('info', 'attempt.failed', task, `attempt ${task.dispatchCount}: ${describe}; retry in ${delay} ms`);
    task.scheduleTimeMs = now + delay;
    this.enqueue(task);
  }

  private log(
    level: EmulatorLogEntry['level'],
    event: EmulatorLogEntry['event'],
    task: TaskState,
    message: string,
  ): void {
    this.context.log({ level, event, queue: this.name, task: task.id, message });
  }
}
