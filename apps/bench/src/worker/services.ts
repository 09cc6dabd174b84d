import { connect } from 'node:net';

/** Where the shared local services are: the stack's defaults, overridable like the test suites. */
export interface Services {
  readonly redis: { readonly host: string; readonly port: number };
  /** Datastore emulator `host:port`. @defaultValue '127.0.0.1:8081' */
  readonly datastoreEmulator: string;
  /** @defaultValue 'gaesession-local' */
  readonly projectId: string;
}

export function servicesFromEnv(env: NodeJS.ProcessEnv = process.env): Services {
  return {
    redis: { host: env.REDIS_HOST ?? '127.0.0.1', port: Number(env.REDIS_PORT ?? 6379) },
    datastoreEmulator: env.DATASTORE_EMULATOR_HOST ?? '127.0.0.1:8081',
    projectId: env.GOOGLE_CLOUD_PROJECT ?? 'gaesession-local',
  };
}

/** Fails with a clear message unless Redis and the Datastore emulator accept connections. */
export async function checkServices(services: Services): Promise<void> {
  const targets = [
    ['Redis', `${services.redis.host}:${services.redis.port}`],
    ['the Datastore emulator', services.datastoreEmulator],
  ] as const;
  const down = [];
  for (const [name, address] of targets) if (!(await reachable(address))) down.push(`${name} (${address})`);
  if (down.length > 0) {
    throw new Error(`not reachable: ${down.join(', ')}; start the local stack with \`npm run stack -- up\``);
  }
}

function reachable(address: string, timeoutMs = 1000): Promise<boolean> {
  const [host = '127.0.0.1', port = '0'] = address.split(':');
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port), timeout: timeoutMs });
    const done = (ok: boolean): void => {
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
