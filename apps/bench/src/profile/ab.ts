// A/B helper for library changes: the gaesession bench server (with its worker), driven at a
// FIXED request rate, so that two trees compare at the same batching (per-tick coalescing, group
// enqueue) however busy the shared machine is; the bench proper drives as fast as it can, where
// the rate, and with it the CPU per request, follows the machine's load.
//   tsx --conditions=source apps/bench/src/profile/ab.ts [--rate-read 800] [--rate-write 400]
//       [--seconds 5] [--rounds 3] [--sessions 50] [--connections 32]
// Prints the server's CPU µs per request of each round and their median, for reads and writes.
import { parseArgs } from 'node:util';
import autocannon, { type Client } from 'autocannon';
import { CATALOGUE, WORKER_ENTRY } from '../request/catalogue.js';
import { startChild, type RunningChild } from '../request/child.js';
import { removeLeftovers } from '../request/cleanup.js';
import { processCpuSeconds } from '../request/cpu.js';
import { newRunContext } from '../request/environment.js';
import { login, settleCookies } from '../request/load.js';

const { values } = parseArgs({
  options: {
    'rate-read': { type: 'string', default: '800' },
    'rate-write': { type: 'string', default: '400' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    sessions: { type: 'string', default: '50' },
    connections: { type: 'string', default: '32' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);

const spec = CATALOGUE.find((server) => server.id === 'gaesession');
if (spec === undefined) throw new Error('no gaesession server in the catalogue');
const ctx = newRunContext();
const env = spec.env(ctx);
let worker: RunningChild | undefined;
let server: RunningChild | undefined;
let cookies: string[] = [];

async function run(baseUrl: string, pid: number, path: '/read' | '/write', rate: number): Promise<number> {
  let next = 0;
  const before = processCpuSeconds(pid) ?? 0;
  // `overallRate` (requests per second over all connections) is autocannon's, not in the bench's
  // typings of it (apps/bench/src/request/autocannon.d.ts): passed through a variable.
  const options = {
    url: baseUrl,
    connections,
    duration: seconds,
    overallRate: rate,
    setupClient: (client: Client) => {
      const cookie = cookies[next++ % cookies.length] ?? '';
      client.setRequests([{ method: path === '/read' ? 'GET' : 'POST', path, headers: { cookie } }]);
    },
  };
  const result = await autocannon(options);
  const cpu = (processCpuSeconds(pid) ?? 0) - before;
  if (result.non2xx + result.errors > 0) throw new Error(`${path}: ${result.non2xx + result.errors} failures`);
  return (cpu * 1e6) / result['2xx'];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

try {
  worker = await startChild({ name: 'worker', entry: WORKER_ENTRY, env, ready: /"message":"worker started"/ });
  server = await startChild({ name: 'server', entry: spec.entry, env, ready: /^\{"listening":(\d+)\}$/ });
  const baseUrl = `http://127.0.0.1:${server.ready[1] ?? ''}`;
  cookies = await login(baseUrl, Number(values.sessions));
  await run(baseUrl, server.pid, '/write', Number(values['rate-write']));
  await run(baseUrl, server.pid, '/read', Number(values['rate-read']));
  const reads: number[] = [];
  const writes: number[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    cookies = await settleCookies(baseUrl, cookies);
    reads.push(await run(baseUrl, server.pid, '/read', Number(values['rate-read'])));
    writes.push(await run(baseUrl, server.pid, '/write', Number(values['rate-write'])));
  }
  const show = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(' ');
  console.log(
    `read µs/req median ${median(reads).toFixed(0)} (${show(reads)}); write µs/req median ${median(writes).toFixed(0)} (${show(writes)})`,
  );
} finally {
  await server?.stop();
  await worker?.stop();
  await removeLeftovers(ctx.services, spec.leftovers(ctx, cookies));
}
