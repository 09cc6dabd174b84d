// Vitest global setup for the integration project: brings the local stack up when it is not
// running (installing memcached when missing), and stops again only what it started.
import { stackEnv, up, down } from './stack.js';

export default async function setup(): Promise<() => Promise<void>> {
  const log = (line: string) => {
    console.log(`[stack] ${line}`);
  };
  const started = await up({ owner: 'test', log });
  Object.assign(process.env, { ...stackEnv(), ...pick(process.env) });
  return async () => {
    if (started.length === 0 || process.env.GAESESSION_KEEP_STACK === '1') return;
    await down({ log, owner: 'test' });
  };
}

/** Explicit settings in the environment win over the stack's defaults. */
function pick(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
