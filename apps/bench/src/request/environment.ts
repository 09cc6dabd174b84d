import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

/** Where the shared local services are (the stack's defaults, overridable like the test suites). */
export interface ServiceAddresses {
  /** memcached `host:port` list, comma-separated. @defaultValue '127.0.0.1:11211' */
  readonly memcached: string;
  readonly redis: { readonly host: string; readonly port: number };
  /** Datastore emulator `host:port`. @defaultValue '127.0.0.1:8081' */
  readonly datastoreEmulator: string;
  /** @defaultValue 'gaesession-local' */
  readonly projectId: string;
}

/** What one bench run shares across its servers. */
export interface RunContext {
  /** Prefix of every key, queue and namespace this run creates: `bench-<12 hex>`. */
  readonly runId: string;
  readonly services: ServiceAddresses;
  /** Cookie-signing secret of every server with sessions (random per run). */
  readonly cookieSecret: string;
}

export function serviceAddresses(env: NodeJS.ProcessEnv = process.env): ServiceAddresses {
  return {
    memcached: env.MEMCACHED_SERVERS ?? '127.0.0.1:11211',
    redis: { host: env.REDIS_HOST ?? '127.0.0.1', port: Number(env.REDIS_PORT ?? 6379) },
    datastoreEmulator: env.DATASTORE_EMULATOR_HOST ?? '127.0.0.1:8081',
    projectId: env.GOOGLE_CLOUD_PROJECT ?? 'gaesession-local',
  };
}

export function newRunContext(services: ServiceAddresses = serviceAddresses()): RunContext {
  return {
    runId: `bench-${randomBytes(6).toString('hex')}`,
    services,
    cookieSecret: randomBytes(24).toString('base64url'),
  };
}

/** Fails with a clear message unless memcached, Redis and the Datastore emulator all accept connections. */
export async function checkServices(services: ServiceAddresses): Promise<void> {
  const targets = [
    ['memcached', services.memcached.split(',')[0] ?? ''],
    ['Redis', `${services.redis.host}:${services.redis.port}`],
    ['the Datastore emulator', services.datastoreEmulator],
  ] as const;
  const down: string[] = [];
  for (const [name, address] of targets) {
    if (!(await reachable(address))) down.push(`${name} (${address})`);
  }
  if (down.length > 0) {
    throw new Error(`not reachable: ${down.join(', ')}; start the local stack with \`npm run stack -- up\``);
  }
}

function reachable(address: string, timeoutMs = 1000): Promise<boolean> {
  const [host = '127.0.0.1', port = '0'] = address.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port), timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
    socket.once('timeout', () => {
      done(false);
    });
  });
}
