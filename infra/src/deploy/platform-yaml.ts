// Merging this repository's queue.yaml and cron.yaml into an app's existing ones. Both files are
// app-wide and authoritative: deploying a queue.yaml pauses every queue it does not list, and a
// cron.yaml replaces the app's whole cron list. So the bundle's files are the app's files with
// ours added, never ours alone over theirs, and nothing of theirs is dropped unless asked.
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { BundleError } from './errors.js';

/** Which file: its top-level list and how an entry is identified. */
export type PlatformFile = 'queue' | 'cron';

export const PLATFORM_FILE_NAMES: Readonly<Record<PlatformFile, string>> = {
  queue: 'queue.yaml',
  cron: 'cron.yaml',
};

/** One entry of theirs and ours with the same identity but other settings. */
export interface SettingsDifference {
  /** The entry's identity: a queue's name, a cron job's `url` and target. */
  readonly entry: string;
  /** `key: theirs → ours` for each setting that differs. */
  readonly differences: readonly string[];
}

export interface MergeOptions {
  /** Where ours differs from theirs, write ours. @defaultValue false: keep theirs */
  readonly preferOurs?: boolean;
}

export interface MergeResult {
  /** The merged file: theirs (comments and all) with ours added or, with preferOurs, replacing. */
  readonly text: string;
  /** Our entries that were not there. */
  readonly added: readonly string[];
  /** Our entries that were there already, the same. */
  readonly unchanged: readonly string[];
  /** Our entries that were there with other settings: theirs kept (the default). */
  readonly keptTheirs: readonly SettingsDifference[];
  /** Our entries that were there with other settings: ours written (preferOurs). */
  readonly tookOurs: readonly SettingsDifference[];
  /**
   * Entries of theirs the merged file no longer has, described (`/tasks/purge (target worker,
   * every 10 minutes)`). A cron job has no name: writing ours over theirs drops their job.
   */
  readonly dropped: readonly string[];
}

type Entry = Record<string, unknown>;

/** A cron job's target when it names none. */
const DEFAULT_TARGET = 'default';

function identity(file: PlatformFile, entry: Entry): string {
  if (file === 'queue') return String(entry.name);
  const target = typeof entry.target === 'string' ? entry.target : DEFAULT_TARGET;
  return `${String(entry.url)} (target ${target})`;
}

/** How a dropped entry is named: its identity, and a cron job's schedule. */
function described(file: PlatformFile, entry: Entry): string {
  if (file === 'queue') return `queue ${String(entry.name)}`;
  const target = typeof entry.target === 'string' ? entry.target : DEFAULT_TARGET;
  return `cron ${String(entry.url)} (target ${target}, ${String(entry.schedule)})`;
}

function parsed(file: PlatformFile, text: string, what: string): Document {
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    throw new BundleError('yaml', `${what} is not valid YAML: ${doc.errors[0]?.message ?? 'parse error'}`);
  const root = doc.contents;
  if (root === null) return doc; // an empty file: no entries yet
  if (!isMap(root)) throw new BundleError('yaml', `${what} is not a YAML mapping`);
  const list = root.get(file, true);
  const empty = list === undefined || (isScalar(list) && list.value === null);
  if (!empty && !isSeq(list)) throw new BundleError('yaml', `${what}: "${file}:" is not a list`);
  return doc;
}

/** The entries of `file`'s list, as plain objects, checked. */
function entries(file: PlatformFile, doc: Document, what: string): Entry[] {
  const list = doc.get(file, true);
  if (!isSeq(list)) return [];
  return list.items.map((item, index) => {
    const entry: unknown = isMap(item) ? item.toJSON() : undefined;
    const required = file === 'queue' ? ['name'] : ['url', 'schedule'];
    if (
      typeof entry !== 'object' ||
      entry === null ||
      required.some((key) => typeof (entry as Entry)[key] !== 'string')
    )
      throw new BundleError('yaml', `${what}: entry ${index + 1} of "${file}:" needs ${required.join(' and ')}`);
    return entry as Entry;
  });
}

function differences(theirs: Entry, ours: Entry): string[] {
  const keys = [...new Set([...Object.keys(theirs), ...Object.keys(ours)])].sort();
  const shown = (value: unknown) => (value === undefined ? '(unset)' : JSON.stringify(value));
  return keys
    .filter((key) => !isDeepStrictEqual(theirs[key], ours[key]))
    .map((key) => `${key}: ${shown(theirs[key])} → ${shown(ours[key])}`);
}

/**
 * Merges our `file` (queue.yaml or cron.yaml text) into theirs: each of our entries is added
 * when theirs has none with its identity (a queue's name; a cron job's url and target), left
 * alone when theirs has it the same, and otherwise theirs is kept (reported in `keptTheirs`) or,
 * with `preferOurs`, replaced by ours (`tookOurs`; a replaced cron job is also in `dropped`).
 * Everything else of theirs, comments included, stays as it is. Pure; throws BundleError
 * ('yaml') for a file that is not a mapping with a list of entries.
 */
export function mergePlatformFile(
  file: PlatformFile,
  theirsText: string,
  oursText: string,
  options: MergeOptions = {},
): MergeResult {
  const name = PLATFORM_FILE_NAMES[file];
  const theirsDoc = parsed(file, theirsText, `your ${name}`);
  const oursDoc = parsed(file, oursText, `our ${name}`);
  const ours = entries(file, oursDoc, `our ${name}`);
  entries(file, theirsDoc, `your ${name}`); // checked before anything changes
  if (theirsDoc.contents === null) theirsDoc.contents = theirsDoc.createNode({});
  if (!isSeq(theirsDoc.get(file, true))) theirsDoc.set(file, theirsDoc.createNode([]));
  const list = theirsDoc.get(file, true);
  if (!isSeq(list)) throw new BundleError('yaml', `your ${name}: cannot add to "${file}:"`);
  const oursList = oursDoc.get(file, true);
  const oursNodes: unknown[] = isSeq(oursList) ? oursList.items : [];
  const result = { added: [] as string[], unchanged: [] as string[], keptTheirs: [] as SettingsDifference[] };
  const tookOurs: SettingsDifference[] = [];
  const dropped: string[] = [];
  ours.forEach((entry, index) => {
    const id = identity(file, entry);
    const node = (oursNodes[index] as Node).clone();
    // Theirs as the list holds it now (earlier entries of ours may have changed it).
    const matching = list.items
      .map((item, at) => ({ their: (isMap(item) ? item.toJSON() : {}) as Entry, at }))
      .filter(({ their }) => identity(file, their) === id);
    if (matching.length === 0) {
      list.items.push(node);
      result.added.push(id);
      return;
    }
    if (matching.some(({ their }) => isDeepStrictEqual(their, entry))) {
      result.unchanged.push(id);
      return;
    }
    const difference = { entry: id, differences: differences(matching[0]?.their ?? {}, entry) };
    if (options.preferOurs !== true) {
      result.keptTheirs.push(difference);
      return;
    }
    tookOurs.push(difference);
    // Ours takes the first one's place; a cron job of theirs under that identity is gone.
    if (file === 'cron') dropped.push(...matching.map(({ their }) => described(file, their)));
    const [first, ...rest] = matching;
    for (const { at } of rest.reverse()) list.items.splice(at, 1);
    if (first !== undefined) list.items[first.at] = node;
  });
  return { text: theirsDoc.toString(), ...result, tookOurs, dropped };
}

/** What a bundle writes for one platform file, and what it says about it. */
export interface PlatformFilePlan {
  readonly file: PlatformFile;
  readonly text: string;
  /** Progress lines: what was merged, kept or replaced. */
  readonly notes: readonly string[];
}

/**
 * The file to write: ours alone when no existing file is given (with a warning: deploying it
 * replaces the app's list), else ours merged into theirs. Throws BundleError ('drop') naming what
 * would be dropped, unless `allowDrop`.
 */
export function planPlatformFile(
  file: PlatformFile,
  oursText: string,
  theirs: { readonly path: string; readonly text: string } | undefined,
  options: MergeOptions & { readonly allowDrop?: boolean } = {},
): PlatformFilePlan {
  const name = PLATFORM_FILE_NAMES[file];
  const flag = `--${file}-yaml`;
  if (theirs === undefined) {
    const warning =
      file === 'queue'
        ? `${name} lists only this repository's queues: deploying it pauses every other queue of the app (pass ${flag} <your ${name}> to merge)`
        : `${name} lists only this repository's cron jobs: deploying it deletes every other cron job of the app (pass ${flag} <your ${name}> to merge)`;
    return { file, text: oursText, notes: [warning] };
  }
  const merged = mergePlatformFile(file, theirs.text, oursText, options);
  if (merged.dropped.length > 0 && options.allowDrop !== true) {
    throw new BundleError(
      'drop',
      `${name} would drop ${merged.dropped.length === 1 ? 'an existing entry' : `${merged.dropped.length} existing entries`} of ${theirs.path}: ${merged.dropped.join(', ')}; pass --allow-drop to write it anyway`,
    );
  }
  const notes = [
    ...merged.added.map((id) => `${name}: added ${id} to ${theirs.path}'s entries`),
    ...merged.unchanged.map((id) => `${name}: ${id} is in ${theirs.path} already, the same`),
    ...merged.keptTheirs.map(
      (d) =>
        `${name}: ${d.entry} is in ${theirs.path} with other settings (${d.differences.join('; ')}); kept yours (--prefer-ours writes ours)`,
    ),
    ...merged.tookOurs.map((d) => `${name}: ${d.entry}: wrote ours over yours (${d.differences.join('; ')})`),
    ...merged.dropped.map((entry) => `${name}: dropped ${entry} (--allow-drop)`),
  ];
  return { file, text: merged.text, notes };
}
