import { resolve } from 'node:path';
import { WORKER_ENTRY, type ServerSpec } from './catalogue.js';
import { startChild, type RunningChild } from './child.js';
import { removeLeftovers } from './cleanup.js';
import { emulatorEnv, startEmulator, tasksCreated, type RunningEmulator } from './emulator-sidecar.js';
import { measureCpu, processCpuSeconds, settledBackgroundCpu } from './cpu.js';
import type { RunContext } from './environment.js';
import { counterTotal, drive, login, settleCookies, waitUntilDurable, type Route } from './load.js';
import type { BenchOptions } from './options.js';
import type { RunStats, ServerResult } from './report.js';

export type Log = (line: string) => void;

/** The line `serve()` prints once a server listens. */
const LISTENING = /^\{"listening":(\d+)\}$/;
/** The worker's JSON log line once it consumes the queue. */
const WORKER_STARTED = /"message":"worker started"/;

/** Stops and cleans up the server being measured, if any (for Ctrl-C). */
let teardownInFlight: (() => Promise<void>) | undefined;

/** On Ctrl-C: stops the children of the server being measured and deletes what it left. */
export async function interruptRun(): Promise<void> {
  await teardownInFlight?.();
}

/**
 * A folder per process: with `--import tsx` the module loader runs in a thread of its own, and a
 * fixed `--cpu-prof-name` would let that thread's profile overwrite the main thread's. Node names
 * each thread's file itself (`CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile`; the main thread's
 * tid is 0).
 */
function profileFlags(options: BenchOptions, name: string): string[] {
  if (options.cpuProfDir === undefined) return [];
  return ['--cpu-prof', `--cpu-prof-dir=${resolve(options.cpuProfDir, name)}`];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Benchmarks one server: starts it (and the worker beside a gaesession server), logs in, measures
 * (see {@link measure}), stops everything it started and deletes what the server left in the
 * shared services. Never throws: a server that fails is reported with its error.
 */
export async function benchServer(
  spec: ServerSpec,
  options: BenchOptions,
  ctx: RunContext,
  log: Log,
): Promise<ServerResult> {
  let env = spec.env(ctx);
  let worker: RunningChild | undefined;
  let server: RunningChild | undefined;
  let emulator: RunningEmulator | undefined;
  let cookies: string[] = [];
  const teardown = async () => {
    if (worker !== undefined) resumeWorker(worker);
    await stopChild(server, log);
    await stopChild(worker, log);
    await stopChild(emulator?.child, log);
    await removeLeftovers(ctx.services, spec.leftovers(ctx, cookies), ctx.valkeyUrl).then(
      () => {
        log(`${spec.label}: stopped, cleaned up`);
      },
      (error: unknown) => {
        log(`${spec.label}: ${messageOf(error)}`);
      },
    );
  };
  teardownInFlight = teardown;
  const background = await settledBackgroundCpu(options.idleBelow);
  const idle = background === undefined ? {} : { background };
  if (background !== undefined) log(`${spec.label}: the machine is ${background.toFixed(0)}% busy before it starts`);
  try {
    if (spec.cloudTasks === true) {
      emulator = await startEmulator(env.QUEUE_NAME ?? spec.id);
      env = { ...env, ...emulatorEnv(emulator) };
      log(
        `${spec.label}: Cloud Tasks emulator on ${emulator.address}, pushing to the worker on ${emulator.workerPort}`,
      );
    }
    if (spec.worker) worker = await startWorker(spec, env, options);
    server = await startChild({
      name: spec.id,
      entry: spec.entry,
      env,
      nodeFlags: profileFlags(options, `${spec.id}-server`),
      fromBuild: options.from === 'build',
      ready: LISTENING,
    });
    const baseUrl = `http://127.0.0.1:${server.ready[1] ?? ''}`;
    log(`${spec.label}: listening on ${baseUrl}${worker === undefined ? '' : ', worker running'}`);
    cookies = await login(baseUrl, options.sessions);
    const measured = await measure(spec, options, { baseUrl, cookies, serverPid: server.pid, worker, emulator }, log);
    return { id: spec.id, label: spec.label, ...idle, ...measured };
  } catch (error) {
    log(`${spec.label}: FAILED: ${messageOf(error)}`);
    return { id: spec.id, label: spec.label, ...idle, error: messageOf(error).split('\n', 1)[0] ?? '' };
  } finally {
    teardownInFlight = undefined;
    await teardown();
    if (options.cpuProfDir !== undefined) log(`${spec.label}: CPU profiles in ${resolve(options.cpuProfDir)}`);
  }
}

interface Target {
  readonly baseUrl: string;
  readonly cookies: readonly string[];
  readonly serverPid: number;
  readonly worker: RunningChild | undefined;
  readonly emulator: RunningEmulator | undefined;
}

/**
 * Stops the worker with SIGSTOP while the server is measured, so it does not compete for the
 * CPU (its events wait in the queue; Cloud Tasks pushes wait for it), and lets it go on with
 * SIGCONT. Both are no-ops once it exited.
 */
function pauseWorker(worker: RunningChild): void {
  signal(worker.pid, 'SIGSTOP');
}

function resumeWorker(worker: RunningChild): void {
  signal(worker.pid, 'SIGCONT');
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone already.
  }
}

type Measured = Pick<ServerResult, 'read' | 'write' | 'drain' | 'lostWrites' | 'workerUsPerEvent' | 'tasksCreated'>;

/**
 * Warm-up, then a read run and a write run. Before each measured run the sessions have settled
 * (no write still retrying); with a worker, the queue is drained (the warm-up's events are not
 * the reads' burden) and the worker is then paused until the write run is over and the lost
 * writes are counted. Resumed, it drains what the write run queued: how long until Datastore
 * holds every session's last version, and the worker's CPU per write meanwhile, are measured
 * too. With Cloud Tasks, the tasks created from the start of the write run to the end of the
 * drain are counted.
 */
async function measure(spec: ServerSpec, options: BenchOptions, target: Target, log: Log): Promise<Measured> {
  const { baseUrl, worker, emulator } = target;
  let cookies = target.cookies;
  const run = async (route: Route, duration: number): Promise<RunStats> => {
    const stop = measureCpu(target.serverPid, worker?.pid, emulator?.child.pid);
    const stats = await drive({ baseUrl, route, cookies, duration, connections: options.connections });
    const cpu = stop();
    return cpu === undefined ? stats : { ...stats, cpu };
  };
  log(`${spec.label}: warm-up, ${options.warmup} s of reads and writes`);
  await run('mixed', options.warmup);
  if (spec.sessions) cookies = await settleCookies(baseUrl, cookies);
  if (worker !== undefined && (await waitUntilDurable(baseUrl, cookies)) === undefined) {
    throw new Error('the worker did not persist the warm-up writes within 120 s');
  }
  if (worker !== undefined) pauseWorker(worker);
  log(`${spec.label}: reads, ${options.duration} s${worker === undefined ? '' : ' (worker paused)'}`);
  const read = await run('read', options.duration);
  log(`${spec.label}: ${read.requestsPerSec.toFixed(0)} reads/s, ${read.failures} failed`);
  const before = spec.sessions ? await counterTotal(baseUrl, cookies) : 0;
  log(`${spec.label}: writes, ${options.duration} s${worker === undefined ? '' : ' (worker paused)'}`);
  const tasksBefore = emulator === undefined ? undefined : await tasksCreated(emulator);
  const write = await run('write', options.duration);
  if (spec.sessions) cookies = await settleCookies(baseUrl, cookies);
  // Writes still in flight when the run ends count on the server but not in autocannon: the
  // count is a lower bound, short by at most `connections`.
  const lostWrites = spec.sessions
    ? Math.max(0, write.succeeded - ((await counterTotal(baseUrl, cookies)) - before))
    : undefined;
  const lostNote = lostWrites === undefined ? '' : `, ${lostWrites} lost`;
  log(`${spec.label}: ${write.requestsPerSec.toFixed(0)} writes/s, ${write.failures} failed${lostNote}`);
  const counted = lostWrites === undefined ? {} : { lostWrites };
  if (worker === undefined) return { read, write, ...counted };
  log(`${spec.label}: worker resumed, waiting until it persisted the write run`);
  const cpuBefore = processCpuSeconds(worker.pid);
  const resumed = performance.now();
  resumeWorker(worker);
  const drain = (await waitUntilDurable(baseUrl, cookies)) === undefined ? 'timeout' : performance.now() - resumed;
  const cpuAfter = processCpuSeconds(worker.pid);
  const perEvent =
    cpuBefore === undefined || cpuAfter === undefined || write.succeeded === 0 || drain === 'timeout'
      ? {}
      : { workerUsPerEvent: ((cpuAfter - cpuBefore) * 1e6) / write.succeeded };
  const tasks =
    emulator === undefined || tasksBefore === undefined
      ? {}
      : { tasksCreated: (await tasksCreated(emulator)) - tasksBefore };
  const drained = drain === 'timeout' ? 'the queue did not drain' : `drained in ${(drain / 1000).toFixed(1)} s`;
  const taskNote = tasks.tasksCreated === undefined ? '' : `, ${tasks.tasksCreated} tasks created`;
  log(`${spec.label}: ${drained}${taskNote}`);
  return { read, write, drain, ...counted, ...perEvent, ...tasks };
}

/** The worker app, as a second child. */
function startWorker(spec: ServerSpec, env: Record<string, string>, options: BenchOptions): Promise<RunningChild> {
  return startChild({
    name: `${spec.id} worker`,
    entry: WORKER_ENTRY,
    env,
    nodeFlags: profileFlags(options, `${spec.id}-worker`),
    fromBuild: options.from === 'build',
    ready: WORKER_STARTED,
  });
}

async function stopChild(child: RunningChild | undefined, log: Log): Promise<void> {
  if (child === undefined) return;
  const code = await child.stop();
  if (code !== 0) log(`${child.name} exited with ${code}:\n${child.tail()}`);
}
