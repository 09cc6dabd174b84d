import { parseArgs } from 'node:util';
import { DEFAULT_EVENT_LOG_KIND, rebuildFromEventLog } from '@gaesession/persistence';
import { messageOf } from '@gaesession/core';
import { EXIT, type CliContext, type CliOutput } from './context.js';

export const REBUILD_USAGE = `usage: rebuild [--page-size N]
  Re-applies the event log (kind ${DEFAULT_EVENT_LOG_KIND}, kept when EVENT_LOG_RETENTION_MS is set)
  to the Session entities. It never reverts a newer stored state, so it is safe to run any time;
  to rebuild from scratch, delete the Session entities first.
exit codes: 0 done, 1 failed, 2 usage`;

/** Runs the rebuild; resolves with the exit code. */
export async function runRebuildCommand(
  argv: readonly string[],
  context: Pick<CliContext, 'config' | 'datastore'>,
  output: CliOutput,
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { 'page-size': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    output.err(`${messageOf(error)}\n${REBUILD_USAGE}`);
    return EXIT.usage;
  }
  if (values.help === true) {
    output.out(REBUILD_USAGE);
    return EXIT.ok;
  }
  const pageSize = Number(values['page-size'] ?? 500);
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
    output.err(`--page-size ${values['page-size'] ?? ''}: expected a positive integer\n${REBUILD_USAGE}`);
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
