import { status, type handleUnaryCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { parseLocationName, parseQueueName, parseTaskName } from './names.js';
import type { EmulatorStats } from './observe.js';
import type { QueueMessage, TaskMessage, TaskView } from './proto-types.js';
import { queueSpecFromProto, queueToProto } from './queue-proto.js';
import type { QueueRunner } from './queue-runner.js';
import type { Registry } from './registry.js';
import { alreadyExists, invalidArgument, notFound, RpcError } from './rpc-error.js';
import { taskFromProto } from './task-create.js';
import { taskToProto } from './task-proto.js';

/** What the CloudTasks handlers work on. */
export interface ServiceContext {
  registry: Registry;
  stats: EmulatorStats;
  /** Largest task accepted by CreateTask, in bytes. */
  maxTaskSizeBytes: number;
}

interface PageRequest {
  pageSize?: number;
  pageToken?: string;
}

const MAX_PAGE_SIZE = 1000;

function unary<Req, Res>(handler: (request: Req) => Res): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    try {
      callback(null, handler(call.request));
    } catch (error) {
      const rpc = error instanceof RpcError ? error : new RpcError(status.INTERNAL, String(error));
      callback(rpc.toServerError());
    }
  };
}

/** One page of `items` (sorted by name), continuing after the name in the page token. */
function page<T extends { name: string }>(items: T[], request: PageRequest): { items: T[]; nextPageToken: string } {
  if (request.pageSize !== undefined && request.pageSize < 0) throw invalidArgument('page_size must be >= 0');
  const size = Math.min(request.pageSize || MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  const after = request.pageToken ? Buffer.from(request.pageToken, 'base64url').toString('utf8') : undefined;
  const start = after === undefined ? 0 : items.findIndex((item) => item.name > after);
  const rest = start === -1 ? [] : items.slice(start);
  const chosen = rest.slice(0, size);
  const last = chosen.at(-1);
  const nextPageToken = rest.length > size && last !== undefined ? Buffer.from(last.name).toString('base64url') : '';
  return { items: chosen, nextPageToken };
}

function queueOf(context: ServiceContext, queueName: string | undefined): QueueRunner {
  if (!queueName || parseQueueName(queueName) === undefined)
    throw invalidArgument(`invalid queue name "${queueName ?? ''}"`);
  const queue = context.registry.get(queueName);
  if (queue === undefined) throw notFound(`queue ${queueName} does not exist`);
  return queue;
}

function taskRef(context: ServiceContext, taskName: string | undefined): { queue: QueueRunner; taskId: string } {
  const parsed = taskName ? parseTaskName(taskName) : undefined;
  if (parsed === undefined) throw invalidArgument(`invalid task name "${taskName ?? ''}"`);
  return { queue: queueOf(context, parsed.queueName), taskId: parsed.taskId };
}

/**
 * Handlers for the CloudTasks methods the emulator serves. Methods left out of this object get
 * grpc-js's default handler, which answers UNIMPLEMENTED.
 */
export function cloudTasksHandlers(context: ServiceContext): UntypedServiceImplementation {
  const { registry } = context;
  return {
    createQueue: unary((request: { parent?: string; queue?: QueueMessage }) => {
      const parent = request.parent ?? '';
      if (parseLocationName(parent) === undefined) throw invalidArgument(`invalid location "${parent}"`);
      const name = request.queue?.name ?? '';
      const parsed = parseQueueName(name);
      if (parsed === undefined || !name.startsWith(`${parent}/queues/`))
        throw invalidArgument(`queue name "${name}" must be ${parent}/queues/{id} (letters, digits, dashes)`);
      const { spec, problems } = queueSpecFromProto(parsed.queue, request.queue ?? {});
      if (problems.length > 0) throw invalidArgument(problems.join('; '));
      const queue = registry.create(name, spec);
      if (queue === undefined) throw alreadyExists(`queue ${name} already exists`);
      return queueToProto(queue.name, queue.spec);
    }),
    getQueue: unary((request: { name?: string }) => {
      const queue = queueOf(context, request.name);
      return queueToProto(queue.name, queue.spec);
    }),
    listQueues: unary((request: PageRequest & { parent?: string }) => {
      const parent = request.parent ?? '';
      if (parseLocationName(parent) === undefined) throw invalidArgument(`invalid location "${parent}"`);
      const { items, nextPageToken } = page(registry.list(parent), request);
      return { queues: items.map((queue) => queueToProto(queue.name, queue.spec)), nextPageToken };
    }),
    createTask: unary((request: { parent?: string; task?: TaskMessage; responseView?: TaskView }) => {
      const queue = queueOf(context, request.parent);
      const task = taskFromProto(request.task ?? {}, queue.name, Date.now(), context);
      if (registry.isNameTaken(queue, task.id, task.name))
        throw alreadyExists(`task ${task.name} already exists or was used recently`);
      // Answer with the task as created: adding it may start its first attempt at once.
      const answer = taskToProto(task, request.responseView);
      queue.add(task);
      context.stats.tasksCreated += 1;
      return answer;
    }),
    getTask: unary((request: { name?: string; responseView?: TaskView }) => {
      const { queue, taskId } = taskRef(context, request.name);
      const task = queue.get(taskId);
      if (task === undefined) throw notFound(`task ${request.name ?? ''} does not exist`);
      return taskToProto(task, request.responseView);
    }),
    deleteTask: unary((request: { name?: string }) => {
      const { queue, taskId } = taskRef(context, request.name);
      if (!queue.delete(taskId)) throw notFound(`task ${request.name ?? ''} does not exist`);
      return {};
    }),
    listTasks: unary((request: PageRequest & { parent?: string; responseView?: TaskView }) => {
      const queue = queueOf(context, request.parent);
      const { items, nextPageToken } = page(queue.list(), request);
      return { tasks: items.map((task) => taskToProto(task, request.responseView)), nextPageToken };
    }),
  };
}
