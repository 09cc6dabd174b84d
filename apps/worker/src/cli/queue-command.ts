import { messageOf } from '@gaesession/core';
import type { QueueDepth } from '@gaesession/queue';
import { parseCli, positiveInteger, refusal, UsageError } from './args.js';
import type { AdminContext } from './admin-context.js';
import { EXIT, type CliOutput } from './context.js';
import { formatDuration } from './progress.js';

export const QUEUE_USAGE = `usage: queue [flags]
  How deep the event queue is (QUEUE_BACKEND, QUEUE_NAME): waiting, active, delayed (retries
  backing off) and failed events, the age of the oldest, and how many dead letters the worker
  keeps. BullMQ counts jobs (one event each) in Redis; Cloud Tasks counts tasks (several events
  each) with GetQueue and ListTasks, and cannot tell active or failed ones apart.
flags:
  --max-tasks <n>  Cloud Tasks: list at most this many tasks (default: 10000)
  --json           print the result as JSON on stdout (shape: apps/worker/README.md)
  -h, --help       show this text
exit codes: 0 done, 1 the queue or Datastore could not be read, 2 usage`;

const FLAGS = { 'max-tasks': { type: 'string', value: 'n' }, json: { type: 'boolean' } } as const;

/** `queue --json`: every key always present, null where unknown. */
export interface QueueReport {
  readonly backend: QueueDepth['backend'];
  readonly queue: string;
  readonly state: string | null;
  /** BullMQ jobs are events; a Cloud Tasks task holds one or more events. */
  readonly unit: 'events' | 'tasks';
  readonly depth: Pick<QueueDepth, 'waiting' | 'active' | 'delayed' | 'failed' | 'total'> | null;
  /** False when Cloud Tasks' listing stopped at --max-tasks (the counts are then lower bounds). */
  readonly complete: boolean | null;
  readonly oldestEvent: { readonly enqueuedAt: string; readonly ageMs: number } | null;
  readonly deadLetters: number | null;
  /** What could not be read: `queue`, `deadLetters`. */
  readonly errors: Readonly<Record<string, string>>;
}

export async function runQueueCommand(
  argv: readonly string[],
  context: Pick<AdminContext, 'config' | 'queue' | 'deadLetters'>,
  output: CliOutput,
): Promise<number> {
  let maxTasks;
  let json;
  try {
    const { values, help } = parseCli(argv, FLAGS, { positionals: false });
    if (help) {
      output.out(QUEUE_USAGE);
      return EXIT.ok;
    }
    maxTasks = values['max-tasks'] === undefined ? undefined : positiveInteger('max-tasks', values['max-tasks']);
    json = values.json;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.err(refusal('queue', FLAGS, error));
    return EXIT.usage;
  }
  const now = Date.now();
  const [depth, letters] = await Promise.allSettled([
    context.queue.depth(maxTasks === undefined ? {} : { maxTasks }),
    context.deadLetters.count(),
  ]);
  const errors: Record<string, string> = {};
  if (depth.status === 'rejected') errors.queue = messageOf(depth.reason);
  if (letters.status === 'rejected') errors.deadLetters = messageOf(letters.reason);
  const found = depth.status === 'fulfilled' ? depth.value : undefined;
  const oldest = found?.oldestEnqueuedAt;
  const report: QueueReport = {
    backend: context.queue.backend,
    queue: context.config.queue.name,
    state: found?.state ?? null,
    unit: context.queue.backend === 'bullmq' ? 'events' : 'tasks',
    depth:
      found === undefined
        ? null
        : {
            waiting: found.waiting,
            active: found.active,
            delayed: found.delayed,
            failed: found.failed,
            total: found.total,
          },
    complete: found?.complete ?? null,
    oldestEvent:
      oldest === undefined ? null : { enqueuedAt: new Date(oldest).toISOString(), ageMs: Math.max(0, now - oldest) },
    deadLetters: letters.status === 'fulfilled' ? letters.value : null,
    errors,
  };
  if (json) output.out(JSON.stringify(report, null, 2));
  else for (const line of describe(report)) output.out(line);
  for (const [what, message] of Object.entries(errors))
    output.err(`queue: cannot read ${what === 'queue' ? 'the queue' : 'the dead letters'}: ${message}`);
  return Object.keys(errors).length > 0 ? EXIT.failed : EXIT.ok;
}

function describe(report: QueueReport): string[] {
  const lines = [`queue ${report.queue} (${report.backend}${report.state === null ? '' : `, ${report.state}`})`];
  if (report.state !== null && /^(paused|disabled)$/i.test(report.state))
    lines.push(
      `  the queue is ${report.state}: nothing is delivered (a deployed queue.yaml that does not list it pauses it)`,
    );
  const { depth } = report;
  if (depth !== null) {
    const counts = [
      `waiting ${depth.waiting}`,
      ...(depth.active === null ? [] : [`active ${depth.active}`]),
      `delayed ${depth.delayed}`,
      ...(depth.failed === null ? [] : [`failed ${depth.failed}`]),
    ];
    const bound = report.complete === false ? 'at least ' : '';
    lines.push(`  ${counts.join(', ')}: ${bound}${depth.total} ${report.unit} in the queue`);
    if (report.unit === 'tasks')
      lines.push('  (Cloud Tasks: a task holds one or more events; active and failed tasks cannot be told apart)');
    if (report.complete === false) lines.push('  listing stopped at --max-tasks: the counts are lower bounds');
  }
  if (report.oldestEvent !== null)
    lines.push(`  oldest: enqueued ${report.oldestEvent.enqueuedAt}, ${formatDuration(report.oldestEvent.ageMs)} ago`);
  else if (depth !== null) lines.push('  the queue is empty');
  if (report.deadLetters !== null)
    lines.push(`  dead letters: ${report.deadLetters}${report.deadLetters > 0 ? ' (see: dead-letters list)' : ''}`);
  return lines;
}
