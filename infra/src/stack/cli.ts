// npm run stack -- up | down | status | env
import { SERVICES, StackError } from './services.js';
import { down, stackEnv, status, up } from './stack.js';

const log = (line: string) => console.log(line);

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'up': {
      await up({ owner: 'stack', log });
      console.log('\nThe local stack is up. Clients need:');
      for (const [name, value] of Object.entries(stackEnv())) console.log(`  export ${name}=${value}`);
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
      const rows = await status();
      for (const row of rows) {
        const owner = row.started
          ? `started by the stack (pid ${row.started.pid}, log ${row.started.log})`
          : row.up
            ? 'not started by the stack'
            : '';
        console.log(`${row.name.padEnd(10)} ${row.address.padEnd(16)} ${row.up ? 'up  ' : 'DOWN'}  ${owner}`);
      }
      return rows.every((row) => row.up) ? 0 : 1;
    }
    case 'env':
      for (const [name, value] of Object.entries(stackEnv())) console.log(`export ${name}=${value}`);
      return 0;
    default:
      console.error('usage: npm run stack -- up | down | status | env');
      console.error(`services: ${SERVICES.map((s) => `${s.name} (${s.host}:${s.port})`).join(', ')}`);
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof StackError ? `stack: ${error.message}` : error);
    process.exit(1);
  },
);
