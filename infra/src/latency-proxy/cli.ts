// The latency proxy as a program: `tsx --conditions=source infra/src/latency-proxy/cli.ts
// --target 127.0.0.1:8081 --delay-ms 15`. The worker bench runs it as a child process, so that
// the proxy's CPU is not counted as the worker's.
import { readCommandLine } from '../cli/args.js';
import { LATENCY_PROXY_CLI, latencyProxyOptions } from './cli-options.js';
import { startLatencyProxy } from './proxy.js';

const options = readCommandLine(LATENCY_PROXY_CLI, latencyProxyOptions);
const proxy = await startLatencyProxy({ target: options.target, delayMs: options.delayMs, port: options.port });
process.stdout.write(`listening ${proxy.hostPort}\n`);
console.error(
  `latency-proxy: ${proxy.hostPort} → ${options.target.host}:${options.target.port}, +${options.delayMs} ms each way`,
);
const stop = (): void => {
  void proxy.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
