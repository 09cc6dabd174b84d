// Removes a test's BullMQ keys from the shared Redis (not built, not a test file itself).
import { spawnSync } from 'node:child_process';
import { services } from '@gaesession/testkit';

function redisCli(args: readonly string[]): string {
  const { host, port } = services.redis;
  const result = spawnSync('redis-cli', ['-h', host, '-p', String(port), ...args], { encoding: 'utf8' });
  if (result.error !== undefined) {
    throw new Error('redis-cli is missing (Debian package redis-tools, installed with redis-server)', {
      cause: result.error,
    });
  }
  if (result.status !== 0) throw new Error(`redis-cli ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/**
 * Deletes every BullMQ key of `queueName` and of queues named after it (`<name>-purge`), with
 * redis-cli: the apps' queue clients live in other processes, and this package declares no Redis
 * client of its own. Returns how many keys it deleted. `queueName` must be a unique test name.
 */
export function deleteQueueKeys(queueName: string, prefix = 'bull'): number {
  if (!/^[A-Za-z0-9-]+$/.test(queueName)) throw new Error(`refusing to delete keys of queue "${queueName}"`);
  const keys = redisCli(['--scan', '--pattern', `${prefix}:${queueName}*`])
    .split('\n')
    .filter((key) => key !== '');
  for (let i = 0; i < keys.length; i += 500) redisCli(['UNLINK', ...keys.slice(i, i + 500)]);
  return keys.length;
}
