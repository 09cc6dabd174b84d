import { DEFAULT_EVENT_LOG_KIND, rebuildFromEventLog } from '@gaesession/persistence';
import { messageOf } from '@gaesession/core';
import { parseCli, positiveInteger, refusal, UsageError } from './args.js';
import { EXIT, type CliContext, type CliOutput } from './context.js';

export const REBUILD_USAGE = `usage: rebuild [flags]
  Re-applies the event log (kind ${DEFAULT_EVENT_LOG_KIND}, kept when EVENT_LOG_RETENTION_MS is set)
  to the Session entities. It never reverts a newer stored state, so it is safe to run any time;
  to rebuild from scratch, delete the Session entities first.
flags:
  --page-size <n>  log entries read per query (default: 500)
  -h, --help       show this text
exit codes: 0 done, 1 failed, 2 usage`;

const FLAGS = { 'page-size': { type: 'string', value: 'n' } } as const;

/** Runs the rebuild; resolves with the exit code. */
export async function runRebuildCommand(
  argv: readonly string[],
  context: Pick<CliContext, 'config' | 'datastore'>,
  output: CliOutput,
): Promise<number> {
  let pageSize;
  try {
    const { values, help } = parseCli(argv, FLAGS, { positionals: false });
    if (help) {
      output.out(REBUILD_USAGE);
      return EXIT.ok;
    }
    pageSize = values['page-size'] === undefined ? 500 : positiveInteger('page-size', values['page-size']);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.err(refusal('rebuild', FLAGS, error));
    return EXIT.usage;
  }
  const { config, datastore } = context;
  const namespace = config.datastore.namespace;
  try {
    const result = await rebuildFromEventLog({
      datastore,
      ...(namespace === undefined ? {} : { namespace }),
      kind: config.datastore.kind,
      eventLogKind: DEFAULT_EVENT_LOG_KIND,
      pageSize,
    });
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
