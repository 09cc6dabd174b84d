import { formatQueueName, parseQueueName } from './names.js';
import type { QueueSpec } from './queue-spec.js';
import { QueueRunner, type RunnerContext } from './queue-runner.js';

/** Options of the queue registry. */
export interface RegistryOptions {
  /** Queues every project/location has from the start (queue.yaml applies to the whole app). */
  templates: readonly QueueSpec[];
  /** How long a finished or deleted task's name stays taken, in ms. */
  taskNameReuseWindowMs: number;
  /** The clock that window is measured by, ms. @defaultValue Date.now */
  now?: () => number;
  /** Shared with every queue runner; `onTaskGone` is supplied by the registry. */
  runner: Omit<RunnerContext, 'onTaskGone'>;
}

/**
 * All queues, by full name, and the names of tasks that recently left them. queue.yaml queues
 * are templates: they appear under whichever project and location a client first names.
 */
export class Registry {
  private readonly queues = new Map<string, QueueRunner>();
  private readonly templates: ReadonlyMap<string, QueueSpec>;
  /** Task name → when it left its queue. Insertion order is time order, so pruning stops early. */
  private readonly usedNames = new Map<string, number>();
  private readonly context: RunnerContext;

  constructor(private readonly options: RegistryOptions) {
    this.templates = new Map(options.templates.map((spec) => [spec.id, spec]));
    this.context = {
      ...options.runner,
      onTaskGone: (name) => {
        this.rememberName(name);
      },
    };
  }

  /** The queue of that full name; a queue.yaml queue is created on first use. */
  get(queueName: string): QueueRunner | undefined {
    const existing = this.queues.get(queueName);
    if (existing !== undefined) return existing;
    const parsed = parseQueueName(queueName);
    const template = parsed === undefined ? undefined : this.templates.get(parsed.queue);
    return template === undefined ? undefined : this.add(queueName, template);
  }

  /** Creates a queue; undefined when the name is taken (by an API queue or a queue.yaml one). */
  create(queueName: string, spec: QueueSpec): QueueRunner | undefined {
    if (this.get(queueName) !== undefined) return undefined;
    return this.add(queueName, spec);
  }

  /** Queues under `projects/p/locations/l`, by name. */
  list(parent: string): QueueRunner[] {
    for (const id of this.templates.keys()) this.get(formatQueueName(parent, id));
    const prefix = `${parent}/queues/`;
    return [...this.queues.values()]
      .filter((queue) => queue.name.startsWith(prefix))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** Whether a task of that full name exists or left its queue within the reuse window. */
  isNameTaken(queue: QueueRunner, taskId: string, taskName: string): boolean {
    if (queue.has(taskId)) return true;
    this.pruneNames();
    return this.usedNames.has(taskName);
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private add(queueName: string, spec: QueueSpec): QueueRunner {
    const runner = new QueueRunner(queueName, spec, this.context);
    this.queues.set(queueName, runner);
    return runner;
  }

  private rememberName(taskName: string): void {
    this.usedNames.delete(taskName);
    this.usedNames.set(taskName, this.now());
    this.pruneNames();
  }

  private pruneNames(): void {
    const cutoff = this.now() - this.options.taskNameReuseWindowMs;
    for (const [name, leftAt] of this.usedNames) {
      if (leftAt > cutoff) break;
      this.usedNames.delete(name);
    }
  }
}
