// npm run stack -- up | down | status | env   [--queue bullmq|cloud-tasks]
import { SERVICES, servicesFor, StackError } from './services.js';
import { down, stackEnv, status, up } from './stack.js';

const log = (line: string) => {
  console.log(line);
};

function queueOption(args: readonly string[]): 'bullmq' | 'cloud-tasks' {
  const index = args.indexOf('--queue');
  const value = index === -1 ? 'bullmq' : args[index + 1];
  if (value !== 'bullmq' && value !== 'cloud-tasks') throw new StackError('--queue takes bullmq or cloud-tasks');
  return value;
}

async function main(command: string | undefined, args: readonly string[]): Promise<number> {
  const services = servicesFor(queueOption(args));
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
    case 'env':
      for (const [name, value] of Object.entries(stackEnv(services))) console.log(`export ${name}=${value}`);
      return 0;
    default:
      console.error('usage: npm run stack -- up | down | status | env  [--queue bullmq|cloud-tasks]');
      console.error(`services: ${SERVICES.map((s) => `${s.name} (${s.host}:${s.port})`).join(', ')}`);
      return 2;
  }
}

main(process.argv[2], process.argv.slice(3)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof StackError ? `stack: ${error.message}` : error);
    process.exit(1);
  },
);
