/** What the emulator reports about itself; `info` entries trace attempts, `warn` ones need a look. */
export interface EmulatorLogEntry {
  level: 'info' | 'warn';
  event: 'attempt.succeeded' | 'attempt.failed' | 'task.dropped' | 'target.missing';
  /** Full queue name. */
  queue: string;
  /** Short task id. */
  task: string;
  message: string;
}

/** Counters since start; a snapshot is returned on each read of `emulator.stats`. */
export interface EmulatorStats {
  /** Tasks accepted by CreateTask. */
  tasksCreated: number;
  /** Dispatch attempts made (each retry counts). */
  attempts: number;
  /** Tasks completed with a 2xx answer. */
  succeeded: number;
  /** Attempts that failed (non-2xx, transport error, deadline, no target). */
  failedAttempts: number;
  /** Tasks given up after their queue's retry limits. */
  dropped: number;
  /** Tasks removed by DeleteTask. */
  deleted: number;
}

export function emptyStats(): EmulatorStats {
  return { tasksCreated: 0, attempts: 0, succeeded: 0, failedAttempts: 0, dropped: 0, deleted: 0 };
}

/** Default log sink: warnings as JSON lines on stderr, attempt traces dropped. */
export function logWarnings(entry: EmulatorLogEntry): void {
  if (entry.level === 'warn') process.stderr.write(JSON.stringify({ source: 'cloud-tasks-emulator', ...entry }) + '\n');
}
