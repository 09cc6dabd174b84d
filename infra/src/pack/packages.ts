import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readWorkspace } from '../deploy/workspace.js';

/** A workspace package.json as this check reads it. */
export interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly license?: string;
  readonly keywords?: readonly string[];
  readonly homepage?: string;
  readonly bugs?: { readonly url?: string };
  readonly repository?: { readonly type?: string; readonly url?: string; readonly directory?: string };
  readonly files?: readonly string[];
  readonly scripts?: Readonly<Record<string, string>>;
  readonly bin?: Readonly<Record<string, string>>;
  readonly exports?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly publishConfig?: { readonly access?: string };
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

export interface WorkspaceEntry {
  /** Folder relative to the repository root. */
  readonly dir: string;
  readonly manifest: Manifest;
}

/** Every workspace package of the repository at `root`, sorted by folder. */
export function workspacePackages(root: string): WorkspaceEntry[] {
  return [...readWorkspace(root).values()]
    .map(({ dir }) => ({
      dir,
      manifest: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Manifest,
    }))
    .sort((a, b) => (a.dir < b.dir ? -1 : 1));
}

/** The packages meant for npm: every workspace package not marked private. */
export function publicPackages(root: string): WorkspaceEntry[] {
  return workspacePackages(root).filter(({ manifest }) => manifest.private !== true);
}
