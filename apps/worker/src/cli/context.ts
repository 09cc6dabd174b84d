import type { Datastore } from '@google-cloud/datastore';
import { type Config, createDatastore, createRepository } from '@gaesession/config';
import { closeDatastore, type DatastoreRepository, type DeadLetterStore } from '@gaesession/persistence';
import { createDeadLetterStore } from '../wiring.js';
import { stderrProgress, type ProgressFactory } from './progress.js';

/** What the command-line tools work on: the worker's Datastore, as the configuration names it. */
export interface CliContext {
  readonly config: Config;
  readonly datastore: Datastore;
  readonly deadLetters: DeadLetterStore;
  /** Replays apply here, exactly as the worker applies (same kind, namespace and event log). */
  readonly repository: DatastoreRepository;
  close(): Promise<void>;
}

/** Where a command writes: results to `out`, problems to `err`, progress of long work to `progress`. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
  /** Progress displays (stderr); none when absent. */
  readonly progress?: ProgressFactory;
}

/** Exit codes of the command-line tools. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export function cliContext(config: Config): CliContext {
  const datastore = createDatastore(config);
  return {
    config,
    datastore,
    deadLetters: createDeadLetterStore(config, datastore),
    repository: createRepository(config, datastore),
    close: () => closeDatastore(datastore),
  };
}

/** The process's stdout and stderr; progress on stderr, a bar when it is a terminal. */
export const consoleOutput: CliOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  progress: stderrProgress,
};
