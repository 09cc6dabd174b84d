import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './probe.js';
import { SERVICES, StackError, type ServiceDefinition } from './services.js';
import { isAlive, readState, STATE_DIR, writeState, type StartedProcess } from './state.js';

export type Log = (line: string) => void;

export interface ServiceStatus {
  name: string;
  address: string;
  up: boolean;
  /** Set when this stack started the process (so `down` will stop it). */
  started?: StartedProcess;
}

/** Environment variables that point clients at the local stack. */
export function stackEnv(services: readonly ServiceDefinition[] = SERVICES): Record<string, string> {
  return Object.assign({}, ...services.map((service) => service.env)) as Record<string, string>;
}

export async function status(services: readonly ServiceDefinition[] = SERVICES): Promise<ServiceStatus[]> {
  const state = readState();
  return Promise.all(
    services.map(async (service) => {
      const started = state[service.name];
      const entry: ServiceStatus = {
        name: service.name,
        address: `${service.host}:${service.port}`,
        up: await service.isUp(),
      };
      if (started !== undefined && isAlive(started.pid)) entry.started = started;
      return entry;
    }),
  );
}

/**
 * Starts every service that is not answering yet and waits until each one does. Services that
 * already answer (started by someone else) are left alone. Returns the names it started.
 */
export async function up(options: {
  owner: StartedProcess['owner'];
  log: Log;
  services?: readonly ServiceDefinition[];
}): Promise<string[]> {
  const services = options.services ?? SERVICES;
  const checks = await Promise.all(services.map(async (service) => ({ service, up: await service.isUp() })));
  const missing = checks.filter((check) => !check.up).map((check) => check.service);
  for (const { service, up: isUp } of checks) {
    if (isUp) options.log(`${service.name.padEnd(10)} already running on ${service.host}:${service.port}`);
  }
  const launched = missing.map((service) => {
    const launch = service.prepare(options.log);
    options.log(`${service.name.padEnd(10)} starting: ${launch.command} ${launch.args.join(' ')}`);
    const proc = launchDetached(service.name, launch.command, launch.args, options.owner);
    // Recorded at once, not once ready: a run interrupted meanwhile (Ctrl-C) must still stop it.
    record(service.name, proc);
    return { service, process: proc };
  });
  const started: string[] = [];
  const failures: string[] = [];
  await Promise.all(
    launched.map(async ({ service, process: proc }) => {
      const t0 = Date.now();
      if (await waitFor(() => service.isUp(), service.startTimeoutMs)) {
        options.log(
          `${service.name.padEnd(10)} ready on ${service.host}:${service.port} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
        );
        started.push(service.name);
      } else {
        failures.push(
          `${service.name} did not answer on ${service.host}:${service.port} within ${service.startTimeoutMs / 1000} s; see ${proc.log}`,
        );
        await stopProcess(proc.pid);
        record(service.name, undefined);
      }
    }),
  );
  if (failures.length > 0) throw new StackError(failures.join('\n'));
  return started;
}

/** Stops the processes this stack started (all of them, or only those a test run started). */
export async function down(options: { log: Log; owner?: StartedProcess['owner'] }): Promise<string[]> {
  const stopped: string[] = [];
  for (const [name, proc] of Object.entries(readState())) {
    if (options.owner !== undefined && proc.owner !== options.owner) continue;
    if (isAlive(proc.pid)) {
      options.log(`${name.padEnd(10)} stopping (pid ${proc.pid})`);
      await stopProcess(proc.pid);
    }
    // One entry at a time: another process may be recording its own meanwhile.
    record(name, undefined);
    stopped.push(name);
  }
  return stopped;
}

/** Writes down (or, with undefined, forgets) the process the stack started for service `name`. */
function record(name: string, proc: StartedProcess | undefined): void {
  const others = Object.entries(readState()).filter(([other]) => other !== name);
  writeState(Object.fromEntries(proc === undefined ? others : [...others, [name, proc]]));
}

function launchDetached(name: string, command: string, args: string[], owner: StartedProcess['owner']): StartedProcess {
  mkdirSync(STATE_DIR, { recursive: true });
  const log = join(STATE_DIR, `${name}.log`);
  const fd = openSync(log, 'a');
  // Detached: its own process group, so `down` can stop the whole tree (gcloud → java).
  const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  child.unref();
  if (child.pid === undefined) throw new StackError(`could not start ${command}`);
  return { pid: child.pid, startedAt: new Date().toISOString(), log, owner };
}

async function stopProcess(pid: number): Promise<void> {
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  };
  signalGroup('SIGTERM');
  if (await waitFor(async () => Promise.resolve(!isAlive(pid)), 5000, 100)) return;
  signalGroup('SIGKILL');
}
