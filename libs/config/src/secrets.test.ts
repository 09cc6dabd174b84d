// The resolver's parsing and substitution, with a fake standing in for the Secret Manager API
// (the real service is not reachable from the tests).
import { describe, expect, it } from 'vitest';
import { ConfigVariableError } from './parse.js';
import { resolveSecrets, secretVersionName, type SecretAccessor } from './secrets.js';

/** A fake Secret Manager: versions by full name; records every name asked for. */
function fakeSecretManager(versions: Record<string, string | Uint8Array>) {
  const asked: string[] = [];
  const client: SecretAccessor = {
    accessSecretVersion: ({ name }) => {
      asked.push(name);
      const data = versions[name];
      if (data === undefined) return Promise.reject(new Error(`5 NOT_FOUND: Secret Version [${name}] not found`));
      return Promise.resolve([{ payload: { data } }]);
    },
  };
  return { client, asked };
}

function refusal(run: () => unknown): ConfigVariableError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigVariableError) return error;
    throw error;
  }
  throw new Error('expected a ConfigVariableError');
}

describe('secretVersionName', () => {
  it('reads the full form, with or without a version, and the short form in the app’s project', () => {
    expect(secretVersionName('X', 'sm://projects/p-1/secrets/cookie_secrets/versions/3', undefined)).toBe(
      'projects/p-1/secrets/cookie_secrets/versions/3',
    );
    expect(secretVersionName('X', 'sm://projects/p-1/secrets/cookie', undefined)).toBe(
      'projects/p-1/secrets/cookie/versions/latest',
    );
    expect(secretVersionName('X', 'sm://cache-url', 'my-app')).toBe(
      'projects/my-app/secrets/cache-url/versions/latest',
    );
  });

  it('refuses a malformed reference, and a short one without a project, naming the variable', () => {
    for (const reference of [
      'sm://',
      'sm://a/b',
      'sm://projects/p/secrets/',
      'sm://projects/p/secrets/s/versions/',
      'sm://a b',
    ]) {
      const error = refusal(() => secretVersionName('COOKIE_SECRETS', reference, 'p'));
      expect(error.variable).toBe('COOKIE_SECRETS');
      expect(error.message).toMatch(/^COOKIE_SECRETS=sm:\/\/.*: expected sm:\/\/<name> or sm:\/\/projects\//);
    }
    expect(refusal(() => secretVersionName('CACHE_URL', 'sm://cache-url', undefined)).message).toContain(
      'GOOGLE_CLOUD_PROJECT is not set',
    );
  });
});

describe('resolveSecrets', () => {
  const versions = {
    'projects/my-app/secrets/cookie/versions/latest': 'first-secret-16-chars,older-secret-16-chars',
    'projects/my-app/secrets/worker/versions/2': new TextEncoder().encode('shared-secret'),
    'projects/other/secrets/valkey/versions/latest': 'rediss://default:p%40ss@10.0.0.3:6379',
  };

  it('replaces each reference by its value, copies the rest, and leaves the given env alone', async () => {
    const { client, asked } = fakeSecretManager(versions);
    const env = {
      GOOGLE_CLOUD_PROJECT: 'my-app',
      COOKIE_SECRETS: 'sm://cookie',
      WORKER_SHARED_SECRET: ' sm://projects/my-app/secrets/worker/versions/2 ',
      CACHE_URL: 'sm://projects/other/secrets/valkey',
      QUEUE_NAME: 'session-events',
      UNSET: undefined,
    };
    const before = { ...env };
    const resolved = await resolveSecrets(env, client);
    expect(resolved).toEqual({
      GOOGLE_CLOUD_PROJECT: 'my-app',
      COOKIE_SECRETS: 'first-secret-16-chars,older-secret-16-chars',
      WORKER_SHARED_SECRET: 'shared-secret',
      CACHE_URL: 'rediss://default:p%40ss@10.0.0.3:6379',
      QUEUE_NAME: 'session-events',
      UNSET: undefined,
    });
    expect(env).toEqual(before);
    expect(asked.sort()).toEqual(Object.keys(versions).sort());
  });

  it('reads a version once however many variables name it', async () => {
    const { client, asked } = fakeSecretManager(versions);
    const resolved = await resolveSecrets(
      { GOOGLE_CLOUD_PROJECT: 'my-app', A: 'sm://cookie', B: 'sm://projects/my-app/secrets/cookie/versions/latest' },
      client,
    );
    expect(resolved.A).toBe(resolved.B);
    expect(asked).toEqual(['projects/my-app/secrets/cookie/versions/latest']);
  });

  it('asks for nothing (and makes no client) when no variable holds a reference', async () => {
    const env = { COOKIE_SECRETS: 'plain-value-16-chars', CACHE_URL: 'redis://127.0.0.1:6380' };
    expect(await resolveSecrets(env)).toEqual(env);
  });

  it('names the variable and the reference, never a value, when a version cannot be read', async () => {
    const { client } = fakeSecretManager(versions);
    const error = await resolveSecrets(
      { GOOGLE_CLOUD_PROJECT: 'my-app', COOKIE_SECRETS: 'sm://cookie', CACHE_URL: 'sm://missing' },
      client,
    ).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(ConfigVariableError);
    expect((error as ConfigVariableError).variable).toBe('CACHE_URL');
    expect((error as Error).message).toMatch(
      /^CACHE_URL=sm:\/\/missing: expected a Secret Manager secret version .*NOT_FOUND/,
    );
    expect((error as Error).message).not.toContain('first-secret');
  });

  it('refuses a malformed reference before asking for anything', async () => {
    const { client, asked } = fakeSecretManager(versions);
    await expect(resolveSecrets({ COOKIE_SECRETS: 'sm://cookie' }, client)).rejects.toThrow(
      'GOOGLE_CLOUD_PROJECT is not set',
    );
    expect(asked).toEqual([]);
  });
});
