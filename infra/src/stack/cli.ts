// npm run stack -- up | down | status | env   [--queue bullmq|cloud-tasks]   (--help for more)
import { defineCommand, either, oneOf, readCommandLine, UsageError } from '../cli/args.js';
import { SERVICES, servicesFor, StackError } from './services.js';
import { down, stackEnv, status, up } from './stack.js';

const log = (line: string) => {
  console.log(line);
};

const COMMANDS = ['up', 'down', 'status', 'env'] as const;
const QUEUES = ['bullmq', 'cloud-tasks'] as const;

const STACK_CLI = defineCommand({
  name: 'stack',
  usage: `npm run stack -- ${COMMANDS.join(' | ')} [flags]`,
  description: [
    'up: start what is not running; down: stop what the stack started; status: every service',
    '(exit 1 when a required one is down); env: the variables clients need.',
    `services: ${SERVICES.map((s) => `${s.name} (${s.host}:${s.port})`).join(', ')}`,
  ].join('\n'),
  options: {
    queue: {
      type: 'string',
      value: QUEUES.join('|'),
      default: 'bullmq',
      description: 'with cloud-tasks, up and env include the Cloud Tasks emulator',
    },
  },
  positionals: true,
});

const { command, queue } = readCommandLine(STACK_CLI, ({ values, positionals }) => {
  const [first, ...extra] = positionals;
  if (first === undefined) throw new UsageError(`no command given: expected ${either(COMMANDS)}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])} after ${first}`);
  if (!(COMMANDS as readonly string[]).includes(first))
    throw new UsageError(`unknown command ${JSON.stringify(first)}: expected ${either(COMMANDS)}`);
  return { command: first as (typeof COMMANDS)[number], queue: oneOf('queue', values.queue, QUEUES) };
});

async function main(): Promise<number> {
  const services = servicesFor(queue);
  switch (command) {
    case 'up': {
      await up({ owner: 'stack', log, services });
      console.log('\nThe local stack is up. Clients need:');
      for (const [name, value] of Object.entries(stackEnv(services))) console.log(`  export ${name}=${value}`);
      console.log('\nStop what this command started with: npm run stack -- down');
      return 0;
    }
    case 'down': {
      const stopped = await down({ log });
      console.log(
        stopped.length > 0
          ? `stopped: ${stopped.join(', ')}`
          : 'nothing to stop (the stack started no process that is still recorded)',
      );
      return 0;
    }
    case 'status': {
      const rows = await status(servicesFor('cloud-tasks'));
      for (const row of rows) {
        const owner = row.started
          ? `started by the stack (pid ${row.started.pid}, log ${row.started.log})`
          : row.up
            ? 'not started by the stack'
            : '';
        console.log(`${row.name.padEnd(12)} ${row.address.padEnd(16)} ${row.up ? 'up  ' : 'DOWN'}  ${owner}`);
      }
      const required = new Set(SERVICES.map((service) => service.name));
      return rows.every((row) => row.up || !required.has(row.name)) ? 0 : 1;
    }
    case 'env': {
      for (const [name, value] of Object.entries(stackEnv(services))) console.log(`export ${name}=${value}`);
      return 0;
    }
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof StackError ? `stack: ${error.message}` : error);
    process.exit(1);
  },
);
