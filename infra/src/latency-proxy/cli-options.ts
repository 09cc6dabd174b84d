import { badValue, defineCommand, integer, type ParsedCommandLine } from '../cli/args.js';
import { DEFAULT_DELAY_MS, parseHostPort } from './proxy.js';

export const LATENCY_PROXY_CLI = defineCommand({
  name: 'latency-proxy',
  usage: 'tsx --conditions=source infra/src/latency-proxy/cli.ts [flags]',
  description:
    'A TCP proxy adding a delay to each direction (e.g. in front of the Datastore emulator).\n' +
    'Prints "listening <host:port>" on stdout once ready; stops on SIGTERM or SIGINT.',
  options: {
    target: {
      type: 'string',
      value: 'host:port',
      default: '127.0.0.1:8081',
      description: 'where connections go (the Datastore emulator)',
    },
    'delay-ms': {
      type: 'string',
      value: 'ms',
      default: `${DEFAULT_DELAY_MS}`,
      description: 'delay added to each direction; a round trip gains twice this',
    },
    port: { type: 'string', value: 'n', default: '0', description: 'port to listen on (0: a free one)' },
  },
});

export interface LatencyProxyCliOptions {
  readonly target: { readonly host: string; readonly port: number };
  readonly delayMs: number;
  readonly port: number;
}

export function latencyProxyOptions({
  values,
}: ParsedCommandLine<typeof LATENCY_PROXY_CLI.options>): LatencyProxyCliOptions {
  const delayMs = Number(values['delay-ms']);
  if (values['delay-ms'].trim() === '' || !Number.isFinite(delayMs) || delayMs < 0)
    throw badValue('delay-ms', values['delay-ms'], 'a number of ms, 0 or more');
  let target;
  try {
    target = parseHostPort(values.target);
  } catch {
    throw badValue('target', values.target, 'host:port');
  }
  return { target, delayMs, port: integer('port', values.port, { min: 0, max: 65535 }) };
}
