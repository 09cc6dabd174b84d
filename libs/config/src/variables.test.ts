import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { VARIABLES } from './variables.js';

describe('configuration', () => {
  it('documents every variable in the README', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const variable of VARIABLES) expect(readme).toContain(`\`${variable.name}\``);
  });

  it('has sensible defaults off App Engine and switches the queue on App Engine', () => {
    const local = loadConfig({});
    expect(local.queue.backend).toBe('bullmq');
    expect(local.projectId).toBe('gaesession-local');
    expect(local.session.allowHttp).toBe(false);
    expect(loadConfig({ GAE_ENV: 'standard' }).queue.backend).toBe('cloud-tasks');
  });

  it('names the variable in the error when a value is wrong', () => {
    expect(() => loadConfig({ QUEUE_BACKEND: 'kafka' })).toThrow(/QUEUE_BACKEND=kafka/);
    expect(() => loadConfig({ SESSION_TIMEOUT_MS: 'soon' })).toThrow(/SESSION_TIMEOUT_MS/);
    expect(() => loadConfig({ SESSION_TOUCH_AFTER: '2' })).toThrow(/SESSION_TOUCH_AFTER/);
  });

  it('reads lists and flags', () => {
    const config = loadConfig({ COOKIE_SECRETS: ' a , b,,', COOKIE_ALLOW_HTTP: '1' });
    expect(config.session.cookieSecrets).toEqual(['a', 'b']);
    expect(config.session.allowHttp).toBe(true);
  });
});
