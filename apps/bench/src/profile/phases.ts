import type { Sample } from './cpuprofile.js';
import { nameOf } from './tally.js';

/** A stretch of the profile: the read run or the write run. */
export interface Phase {
  readonly start: number;
  readonly end: number;
  readonly samples: readonly Sample[];
}

type Kind = 'read' | 'write';

/**
 * The read run and the write run of a bench server's profile, found by their route handlers:
 * samples whose stack has a frame whose label (`name file:line:column`) contains the marker. The
 * bench warms up with both routes, then reads, then writes (then a few setup requests): each run
 * is the longest stretch of one handler's samples without a sample of the other's.
 */
export function runPhases(
  samples: readonly Sample[],
  markers: Readonly<Record<Kind, string>>,
): Record<Kind, Phase> | undefined {
  const hits: { at: number; kind: Kind }[] = [];
  for (const sample of samples) {
    const labels = sample.stack.map(nameOf);
    for (const kind of ['read', 'write'] as const) {
      if (labels.some((label) => label.includes(markers[kind]))) hits.push({ at: sample.at, kind });
    }
  }
  const longest: Partial<Record<Kind, [number, number]>> = {};
  let runStart = 0;
  for (let i = 1; i <= hits.length; i++) {
    const first = hits[runStart];
    if (first === undefined) break;
    if (i < hits.length && hits[i]?.kind === first.kind) continue;
    const end = hits[i - 1]?.at ?? first.at;
    const best = longest[first.kind];
    if (best === undefined || end - first.at > best[1] - best[0]) longest[first.kind] = [first.at, end];
    runStart = i;
  }
  const phase = (range: [number, number] | undefined): Phase | undefined =>
    range === undefined
      ? undefined
      : { start: range[0], end: range[1], samples: samples.filter((s) => s.at >= range[0] && s.at <= range[1]) };
  const read = phase(longest.read);
  const write = phase(longest.write);
  return read === undefined || write === undefined ? undefined : { read, write };
}
