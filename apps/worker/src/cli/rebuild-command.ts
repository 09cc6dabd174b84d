import { countKeys, DEFAULT_EVENT_LOG_KIND, rebuildFromEventLog } from '@gaesession/persistence';
import { messageOf } from '@gaesession/core';
import { parseCli, positiveInteger, refusal, UsageError } from './args.js';
import { EXIT, type CliContext, type CliOutput } from './context.js';
import { kindQuery } from './count.js';
import { silentProgress } from './progress.js';

export const REBUILD_USAGE = `usage: rebuild [flags]
  Re-applies the event log (kind ${DEFAULT_EVENT_LOG_KIND}, kept when EVENT_LOG_RETENTION_MS is set)
  to the Session entities. It never reverts a newer stored state, so it is safe to run any time;
  to rebuild from scratch, delete the Session entities first. It counts the log first (keys only),
  then shows its progress on stderr: a bar with a rate and an ETA on a terminal, a line every 5 s
  otherwise.
flags:
  --page-size <n>  log entries read per query (default: 500)
  --json           print the result as JSON on stdout: {"events","written","skipped","elapsedMs"}
  -h, --help       show this text
exit codes: 0 done, 1 failed, 2 usage`;

const FLAGS = { 'page-size': { type: 'string', value: 'n' }, json: { type: 'boolean' } } as const;

/** Runs the rebuild; resolves with the exit code. */
export async function runRebuildCommand(
  argv: readonly string[],
  context: Pick<CliContext, 'config' | 'datastore'>,
  output: CliOutput,
): Promise<number> {
  let pageSize;
  let json;
  try {
    const { values, help } = parseCli(argv, FLAGS, { positionals: false });
    if (help) {
      output.out(REBUILD_USAGE);
      return EXIT.ok;
    }
    pageSize = values['page-size'] === undefined ? 500 : positiveInteger('page-size', values['page-size']);
    json = values.json;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.err(refusal('rebuild', FLAGS, error));
    return EXIT.usage;
  }
  const { config, datastore } = context;
  const namespace = config.datastore.namespace;
  const progressOf = output.progress ?? silentProgress;
  const started = Date.now();
  try {
    const counting = progressOf('counting the event log', { unit: 'entries', delayMs: 1000 });
    const total = await countKeys(datastore, () => kindQuery(datastore, namespace, DEFAULT_EVENT_LOG_KIND), {
      onPage: (counted) => {
        counting.update(counted);
      },
    });
    counting.finish();
    const progress = progressOf('rebuild', { total, unit: 'events' });
    progress.update(0);
    const result = await rebuildFromEventLog({
      datastore,
      ...(namespace === undefined ? {} : { namespace }),
      kind: config.datastore.kind,
      eventLogKind: DEFAULT_EVENT_LOG_KIND,
      pageSize,
      onProgress: (sofar) => {
        progress.update(sofar.events);
      },
    });
    progress.finish();
    const elapsedMs = Date.now() - started;
    if (json) {
      output.out(JSON.stringify({ ...result, elapsedMs }, null, 2));
      return EXIT.ok;
    }
    output.out(
      `read ${result.events} logged event(s): ${result.written} session(s) written, ${result.skipped} event(s) changed nothing`,
    );
    if (result.events === 0) output.out('the event log is empty: is EVENT_LOG_RETENTION_MS set on the worker?');
    return EXIT.ok;
  } catch (error) {
    output.err(`rebuild failed: ${messageOf(error)}`);
    return EXIT.failed;
  }
}
