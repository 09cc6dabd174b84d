import { countKeys, expiredKeysQuery, purgeExpired } from '@gaesession/persistence';
import { messageOf } from '@gaesession/core';
import { purgeOptions } from '../wiring.js';
import { parseCli, refusal, UsageError } from './args.js';
import { EXIT, type CliContext, type CliOutput } from './context.js';
import { silentProgress } from './progress.js';

export const PURGE_USAGE = `usage: purge [flags]
  Deletes expired sessions, tombstones and event-log entries (expiresAt more than 60 s ago), as the
  worker's cron purge does, but runs until nothing expired is left (the cron run stops after
  PURGE_BUDGET_MS and resumes at the next run). It counts first (keys only), then shows its
  progress on stderr: a bar with a rate and an ETA on a terminal, a line every 5 s otherwise.
flags:
  --dry-run   count what would be deleted, per kind, and delete nothing
  --json      print the result as JSON on stdout (shapes: apps/worker/README.md)
  -h, --help  show this text
exit codes: 0 done, 1 failed, 2 usage`;

const FLAGS = { 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } } as const;

/** Runs the purge, or with --dry-run counts it; resolves with the exit code. */
export async function runPurgeCommand(
  argv: readonly string[],
  context: Pick<CliContext, 'config' | 'datastore'>,
  output: CliOutput,
): Promise<number> {
  let dryRun;
  let json;
  try {
    const { values, help } = parseCli(argv, FLAGS, { positionals: false });
    if (help) {
      output.out(PURGE_USAGE);
      return EXIT.ok;
    }
    dryRun = values['dry-run'];
    json = values.json;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.err(refusal('purge', FLAGS, error));
    return EXIT.usage;
  }
  const { config, datastore } = context;
  const options = purgeOptions(config, datastore);
  const kinds = [...new Set([options.kind, options.eventLogKind].filter((kind): kind is string => kind !== undefined))];
  const namespace = options.namespace;
  const progressOf = output.progress ?? silentProgress;
  const started = Date.now();
  const cutoff = started - (options.graceMs ?? 0);
  try {
    // Counted with the purge's own query and cutoff: what it deletes (as of now).
    const counting = progressOf(dryRun ? 'purge --dry-run' : 'counting', {
      unit: 'expired',
      delayMs: dryRun ? 0 : 1000,
    });
    const expired: Record<string, number> = {};
    let total = 0;
    for (const kind of kinds) {
      expired[kind] = await countKeys(datastore, () => expiredKeysQuery(datastore, namespace, kind, cutoff), {
        onPage: (counted) => {
          counting.update(total + counted);
        },
      });
      total += expired[kind];
    }
    counting.finish();
    const where = { namespace: namespace ?? null, cutoff: new Date(cutoff).toISOString() };
    if (dryRun) {
      if (json) output.out(JSON.stringify({ dryRun: true, ...where, expired, total }, null, 2));
      else {
        for (const kind of kinds) output.out(`${kind}: ${expired[kind] ?? 0} expired`);
        output.out(`${total} entit${total === 1 ? 'y' : 'ies'} would be deleted (nothing was)`);
      }
      return EXIT.ok;
    }
    const progress = progressOf('purge', { total, unit: 'entities' });
    progress.update(0);
    let deleted = 0;
    let runs = 0;
    let cursor: string | undefined;
    do {
      const before = deleted;
      const result = await purgeExpired({
        ...options,
        ...(cursor === undefined ? {} : { cursor }),
        onProgress: (sofar) => {
          progress.update(before + sofar);
        },
      });
      runs++;
      deleted = before + result.deleted;
      cursor = result.cursor;
    } while (cursor !== undefined);
    progress.update(deleted);
    progress.finish();
    const elapsedMs = Date.now() - started;
    if (json)
      output.out(JSON.stringify({ dryRun: false, ...where, deleted, completed: true, runs, elapsedMs }, null, 2));
    else
      output.out(
        `deleted ${deleted} expired entit${deleted === 1 ? 'y' : 'ies'} in ${(elapsedMs / 1000).toFixed(1)} s`,
      );
    return EXIT.ok;
  } catch (error) {
    output.err(`purge failed: ${messageOf(error)}`);
    return EXIT.failed;
  }
}
