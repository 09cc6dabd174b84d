import { readFileSync } from 'node:fs';
import { isAbsolute, normalize } from 'node:path';
import { parse } from 'yaml';
import { BundleError } from './errors.js';

/** What the bundler needs from an app.yaml. */
export interface AppYaml {
  /** The `service:` value; App Engine's `default` when the file has none. */
  readonly service: string;
  /** Files named by `includes:` (relative to the app.yaml), which must travel with it. */
  readonly includes: readonly string[];
}

/** Parses an app.yaml's text; `file` names it in errors. */
export function parseAppYaml(text: string, file: string): AppYaml {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new BundleError('yaml', `${file} is not valid YAML`, { cause: error });
  }
  if (typeof doc !== 'object' || doc === null) throw new BundleError('yaml', `${file} is not a YAML mapping`);
  const { service = 'default', includes = [] } = doc as { service?: unknown; includes?: unknown };
  if (typeof service !== 'string') throw new BundleError('yaml', `${file}: service is not a string`);
  if (!Array.isArray(includes) || !includes.every((item): item is string => typeof item === 'string')) {
    throw new BundleError('yaml', `${file}: includes is not a list of paths`);
  }
  for (const include of includes) {
    if (isAbsolute(include) || normalize(include).startsWith('..')) {
      throw new BundleError('yaml', `${file}: include ${include} must be a path inside the app.yaml's folder`);
    }
  }
  return { service, includes };
}

export function readAppYaml(file: string): AppYaml {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new BundleError('yaml', `cannot read ${file}`, { cause: error });
  }
  return parseAppYaml(text, file);
}
