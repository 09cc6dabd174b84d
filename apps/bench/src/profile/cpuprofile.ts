import { readFileSync } from 'node:fs';

/** The parts of a V8 `.cpuprofile` (as `node --cpu-prof` writes it) this tool reads. */
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
    readonly columnNumber: number;
  };
  readonly children?: readonly number[];
}

/** One sample: the leaf node, its stack (leaf first) and its time and weight in µs. */
export interface Sample {
  readonly at: number;
  readonly weight: number;
  readonly stack: readonly ProfileNode[];
}

/** Frames V8 adds that are not JavaScript being run. */
const IDLE = new Set(['(idle)', '(program)', '(garbage collector)']);

export function readProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
}

export function isIdle(node: ProfileNode): boolean {
  return node.callFrame.functionName === '(idle)';
}

export function isMeta(node: ProfileNode): boolean {
  return IDLE.has(node.callFrame.functionName);
}

/** Every sample with its stack; a sample weighs the time until the next one. */
export function samplesOf(profile: CpuProfile): Sample[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const stacks = new Map<number, ProfileNode[]>();
  const stackOf = (id: number): ProfileNode[] => {
    const known = stacks.get(id);
    if (known !== undefined) return known;
    const stack: ProfileNode[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at);
      if (node !== undefined && node.callFrame.functionName !== '(root)') stack.push(node);
    }
    stacks.set(id, stack);
    return stack;
  };
  const out: Sample[] = [];
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const next = profile.timeDeltas[i + 1] ?? 0;
    out.push({ at, weight: Math.max(0, next), stack: stackOf(profile.samples[i] ?? 0) });
  }
  return out;
}
