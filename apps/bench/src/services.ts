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

export function serviceAddresses(env: NodeJS.ProcessEnv = process.env): ServiceAddresses {
  return {
    memcached: env.MEMCACHED_SERVERS ?? '127.0.0.1:11211',
    redis: { host: env.REDIS_HOST ?? '127.0.0.1', port: Number(env.REDIS_PORT ?? 6379) },
    datastoreEmulator: env.DATASTORE_EMULATOR_HOST ?? '127.0.0.1:8081',
    projectId: env.GOOGLE_CLOUD_PROJECT ?? 'gaesession-local',
  };
}

/** The services a bench may need, by name. */
export type ServiceName = 'memcached' | 'redis' | 'datastore';

/** Fails with a clear message unless each of `needed` accepts connections. */
export async function checkServices(services: ServiceAddresses, needed: readonly ServiceName[]): Promise<void> {
  const targets: Record<ServiceName, readonly [string, string]> = {
    memcached: ['memcached', services.memcached.split(',')[0] ?? ''],
    redis: ['Redis', `${services.redis.host}:${services.redis.port}`],
    datastore: ['the Datastore emulator', services.datastoreEmulator],
  };
  const down: string[] = [];
  for (const [name, address] of needed.map((service) => targets[service])) {
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
