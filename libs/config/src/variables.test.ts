import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { ConfigVariableError } from './parse.js';
import { configTable } from './table.js';
import { VARIABLES } from './variables.js';

const README = new URL('../../../README.md', import.meta.url);

describe('configuration', () => {
  it('is documented in the README by the table generated from VARIABLES (npm run docs:config)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toContain(configTable());
    for (const variable of Object.values(VARIABLES)) expect(readme).toContain(`\`${variable.name}\``);
  });

  it('has sensible defaults off App Engine and switches the queue on App Engine', () => {
    const local = loadConfig({});
    expect(local.queue.backend).toBe('bullmq');
    expect(local.projectId).toBe('gaesession-local');
    expect(local.session.allowHttp).toBe(false);
    expect(local.port).toBe(8080);
    expect(loadConfig({}, { service: 'worker' }).port).toBe(8090);
    expect(loadConfig({ GAE_ENV: 'standard' }).queue.backend).toBe('cloud-tasks');
  });

  it('refuses a bad value with one line naming the variable, the value and what is expected', () => {
    const cases: [Record<string, string>, string][] = [
      [{ QUEUE_BACKEND: 'kafka' }, 'QUEUE_BACKEND=kafka: expected one of bullmq, cloud-tasks'],
      [{ SESSION_TIMEOUT_MS: 'soon' }, 'SESSION_TIMEOUT_MS=soon: expected an integer ≥ 1000'],
      [{ SESSION_TOUCH_AFTER: '2' }, 'SESSION_TOUCH_AFTER=2: expected a fraction between 0 and 1'],
      [{ COOKIE_ALLOW_HTTP: 'yes' }, 'COOKIE_ALLOW_HTTP=yes: expected true, false, 1 or 0'],
      [{ REDIS_PORT: '0' }, 'REDIS_PORT=0: expected an integer ≥ 1'],
    ];
    for (const [env, message] of cases) {
      const error = (() => {
        try {
          loadConfig(env);
        } catch (thrown) {
          return thrown;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ConfigVariableError);
      expect((error as Error).message).toBe(message);
    }
  });

  it('reads lists and flags, and takes a blank value as unset', () => {
    const config = loadConfig({ COOKIE_SECRETS: ' a , b,,', COOKIE_ALLOW_HTTP: '1', QUEUE_NAME: '  ' });
    expect(config.session.cookieSecrets).toEqual(['a', 'b']);
    expect(config.session.allowHttp).toBe(true);
    expect(config.queue.name).toBe('session-events');
  });
});
