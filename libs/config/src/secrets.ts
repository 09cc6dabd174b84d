// Secrets from Secret Manager: a variable may name a secret version instead of holding the value,
// `sm://projects/<project>/secrets/<name>/versions/<version>` or, in the app's own project
// (GOOGLE_CLOUD_PROJECT) at its latest version, `sm://<name>`. The apps resolve them once at
// startup, before loadConfig, which stays synchronous; locally the variables hold the values.
import { messageOf } from '@gaesession/core';
import { ConfigVariableError, type Env } from './parse.js';

/** What marks a variable's value as a Secret Manager reference. */
export const SECRET_REFERENCE_PREFIX = 'sm://';

/** The one call of the Secret Manager API the resolver makes (the real client has it). */
export interface SecretAccessor {
  accessSecretVersion(
    request: { name: string },
    options?: { timeout?: number },
  ): Promise<readonly [{ payload?: { data?: Uint8Array | string | null } | null }, ...unknown[]]>;
}

/** A client the resolver made itself, and closes. */
interface OwnedAccessor extends SecretAccessor {
  close(): Promise<void>;
}

const SEGMENT = '[A-Za-z0-9_-]+';
const FULL = new RegExp(`^projects/(${SEGMENT})/secrets/(${SEGMENT})(?:/versions/(${SEGMENT}))?$`);
const SHORT = new RegExp(`^(${SEGMENT})$`);

/** How long one secret read may take, in ms. */
const ACCESS_TIMEOUT_MS = 10_000;

/**
 * The secret version a reference names, as the API spells it
 * (`projects/<p>/secrets/<name>/versions/<v>`). `sm://<name>` is the project's latest version,
 * and a full name without `/versions/...` means `latest` too.
 *
 * @throws ConfigVariableError naming `variable` when the reference is malformed, or is short and
 *   no project is known.
 */
export function secretVersionName(variable: string, reference: string, project: string | undefined): string {
  const rest = reference.slice(SECRET_REFERENCE_PREFIX.length);
  const full = FULL.exec(rest);
  if (full !== null) return `projects/${full[1]}/secrets/${full[2]}/versions/${full[3] ?? 'latest'}`;
  if (SHORT.test(rest)) {
    if (project === undefined)
      throw new ConfigVariableError(
        variable,
        reference,
        'sm://projects/<project>/secrets/<name>/versions/<version> (GOOGLE_CLOUD_PROJECT is not set, so sm://<name> has no project)',
      );
    return `projects/${project}/secrets/${rest}/versions/latest`;
  }
  throw new ConfigVariableError(
    variable,
    reference,
    'sm://<name> or sm://projects/<project>/secrets/<name>/versions/<version> (letters, digits, - and _)',
  );
}

/** The environment's variables whose value is a Secret Manager reference. */
function references(env: Env): [string, string][] {
  return Object.entries(env).filter((entry): entry is [string, string] =>
    (entry[1]?.trim() ?? '').startsWith(SECRET_REFERENCE_PREFIX),
  );
}

async function defaultAccessor(): Promise<OwnedAccessor> {
  // Loaded only when a variable names a secret: local runs never load the client.
  const { SecretManagerServiceClient } = await import('@google-cloud/secret-manager');
  return new SecretManagerServiceClient();
}

function text(data: Uint8Array | string | null | undefined): string {
  if (data === undefined || data === null) return '';
  return typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
}

/**
 * A copy of `env` in which every variable that holds a Secret Manager reference (`sm://...`, see
 * {@link secretVersionName}) holds the secret's value instead; other variables are copied as they
 * are, and `env` is not changed. Each distinct version is read once, all at once; with no
 * reference, nothing is read and no client is made. `client` stands in for the Secret Manager
 * client (`SecretManagerServiceClient`, made and closed here when omitted; it authenticates as
 * the App Engine service account, which needs `roles/secretmanager.secretAccessor`).
 *
 * @throws ConfigVariableError naming the first variable whose reference is malformed or cannot be
 *   read (the message carries the reference and the API's answer, never a secret's value).
 */
export async function resolveSecrets(env: Env, client?: SecretAccessor): Promise<Record<string, string | undefined>> {
  const resolved: Record<string, string | undefined> = { ...env };
  const wanted = references(env);
  if (wanted.length === 0) return resolved;
  const project = env.GOOGLE_CLOUD_PROJECT?.trim() || undefined;
  const names = new Map(
    wanted.map(([variable, value]) => [variable, secretVersionName(variable, value.trim(), project)]),
  );
  const accessor = client ?? (await defaultAccessor());
  try {
    const reads = new Map<string, Promise<string>>();
    for (const name of new Set(names.values())) {
      reads.set(
        name,
        accessor
          .accessSecretVersion({ name }, { timeout: ACCESS_TIMEOUT_MS })
          .then(([version]) => text(version.payload?.data)),
      );
    }
    // Every read settles before the first failure is reported: no rejection is left unhandled.
    const settled = new Map(
      await Promise.all(
        [...reads].map(
          async ([name, read]) =>
            [
              name,
              await read.then(
                (value) => ({ value }),
                (error: unknown) => ({ error }),
              ),
            ] as const,
        ),
      ),
    );
    for (const [variable, reference] of wanted) {
      const outcome = settled.get(names.get(variable) ?? '');
      if (outcome === undefined || 'error' in outcome)
        throw new ConfigVariableError(
          variable,
          reference.trim(),
          `a Secret Manager secret version this service account may read (${messageOf(outcome?.error)})`,
        );
      resolved[variable] = outcome.value;
    }
    return resolved;
  } finally {
    if (client === undefined) await (accessor as OwnedAccessor).close().catch(() => undefined);
  }
}
