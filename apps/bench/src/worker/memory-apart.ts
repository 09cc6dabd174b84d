import { spawn } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunContext } from './context.js';
import type { MemoryOptions, MemoryResult } from './memory.js';

/** The child's entry, beside this file (`.ts` under tsx, `.js` when built). */
const CHILD = fileURLToPath(new URL(`./memory-child${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/**
 * Runs the memory measurement in a child Node.js process with `--expose-gc` (and this process's
 * own flags, so tsx and the `source` condition carry over); its progress lines go to stderr.
 */
export function measureMemoryApart(ctx: RunContext, options: MemoryOptions): Promise<MemoryResult> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, '--expose-gc', CHILD, ctx.runId, JSON.stringify(options)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      // The child builds its context from the environment: the same Datastore (or latency proxy).
      env: {
        ...process.env,
        DATASTORE_EMULATOR_HOST: ctx.services.datastoreEmulator,
        GOOGLE_CLOUD_PROJECT: ctx.services.projectId,
      },
    },
  );
  const output: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`the memory measurement failed (exit ${code ?? signal ?? '?'}); see its output above`));
        return;
      }
      resolve(JSON.parse(Buffer.concat(output).toString('utf8')) as MemoryResult);
    });
  });
}
