import { isIdle, type ProfileNode, type Sample } from './cpuprofile.js';

/** Time per name, in µs, over some samples. */
export interface Tally {
  /** Time spent in the function itself. */
  readonly self: Map<string, number>;
  /** Time spent in the function or anything it called (each sample counted once per name). */
  readonly total: Map<string, number>;
  /** Self time per package or source folder. */
  readonly byPackage: Map<string, number>;
  /** Busy time (everything but idle). */
  readonly busy: number;
}

const CWD = process.cwd();

/** A short location: `pkg/file:line` for dependencies, a repository path for ours, `node:x` for Node. */
export function whereOf(node: ProfileNode): string {
  const { url, lineNumber, columnNumber } = node.callFrame;
  if (url === '') return '';
  let path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('node_modules/');
  if (modules !== -1) path = path.slice(modules + 'node_modules/'.length);
  else if (path.startsWith(CWD)) path = path.slice(CWD.length + 1);
  // tsx compiles a module onto one line: the column tells its functions apart.
  return `${path}:${lineNumber + 1}:${columnNumber + 1}`;
}

export function nameOf(node: ProfileNode): string {
  const where = whereOf(node);
  const name = node.callFrame.functionName || '(anonymous)';
  return where === '' ? name : `${name} ${where}`;
}

/** The package (dependency), our folder (`libs/x`, `apps/x`), `node:internal` or a V8 meta frame. */
export function packageOf(node: ProfileNode): string {
  const url = node.callFrame.url;
  if (url === '') return node.callFrame.functionName;
  if (url.startsWith('node:')) return 'node (internals)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') === true ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? url);
  }
  const ours = /\/(libs|apps|infra)\/([^/]+)\//.exec(url);
  return ours === null ? url : `${ours[1] ?? ''}/${ours[2] ?? ''}`;
}

function add(map: Map<string, number>, key: string, weight: number): void {
  map.set(key, (map.get(key) ?? 0) + weight);
}

export function tally(samples: readonly Sample[]): Tally {
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let busy = 0;
  for (const { stack, weight } of samples) {
    const leaf = stack[0];
    if (leaf === undefined || isIdle(leaf)) continue;
    busy += weight;
    add(self, nameOf(leaf), weight);
    add(byPackage, packageOf(leaf), weight);
    const seen = new Set<string>();
    for (const node of stack) {
      const name = nameOf(node);
      if (seen.has(name)) continue;
      seen.add(name);
      add(total, name, weight);
    }
  }
  return { self, total, byPackage, busy };
}

/** The `count` largest entries, largest first. */
export function top(map: Map<string, number>, count: number): [string, number][] {
  return [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
}
