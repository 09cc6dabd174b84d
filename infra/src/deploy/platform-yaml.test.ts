import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../stack/state.js';
import { BundleError } from './errors.js';
import { mergePlatformFile, planPlatformFile } from './platform-yaml.js';

const OUR_QUEUE = readFileSync(join(ROOT, 'queue.yaml'), 'utf8');
const OUR_CRON = readFileSync(join(ROOT, 'cron.yaml'), 'utf8');

const THEIR_QUEUE = `# our app's queues
total_storage_limit: 120M
queue:
  - name: emails # sends the newsletters
    rate: 5/s
  - name: reports
    rate: 1/m
`;

const THEIR_CRON = `cron:
  - description: nightly report
    url: /tasks/report
    schedule: every day 02:00
`;

function names(text: string, list: 'queue' | 'cron', key: string): unknown[] {
  const doc = parse(text) as Record<string, Record<string, unknown>[]>;
  return (doc[list] ?? []).map((entry) => entry[key]);
}

describe('mergePlatformFile', () => {
  it('adds our queue to theirs, keeping their queues, settings and comments', () => {
    const merged = mergePlatformFile('queue', THEIR_QUEUE, OUR_QUEUE);
    expect(merged).toMatchObject({
      added: ['session-events'],
      unchanged: [],
      keptTheirs: [],
      tookOurs: [],
      dropped: [],
    });
    expect(names(merged.text, 'queue', 'name')).toEqual(['emails', 'reports', 'session-events']);
    expect(merged.text).toContain("# our app's queues");
    expect(merged.text).toContain('# sends the newsletters');
    expect(merged.text).toContain('total_storage_limit: 120M');
    // Our entry as our file has it, comments too.
    const ours = (parse(merged.text) as { queue: Record<string, unknown>[] }).queue[2];
    expect(ours).toEqual((parse(OUR_QUEUE) as { queue: unknown[] }).queue[0]);
    expect(merged.text).toContain('Keep TASK_RETRY_LIMIT (worker env) equal to this.');
  });

  it('adds our cron job to theirs, and takes an empty or missing list', () => {
    const merged = mergePlatformFile('cron', THEIR_CRON, OUR_CRON);
    expect(merged.added).toEqual(['/tasks/purge (target worker)']);
    expect(names(merged.text, 'cron', 'url')).toEqual(['/tasks/report', '/tasks/purge']);
    for (const empty of ['', 'cron:\n', '# nothing yet\n'])
      expect(names(mergePlatformFile('cron', empty, OUR_CRON).text, 'cron', 'url')).toEqual(['/tasks/purge']);
  });

  it('leaves an entry that is already there alone: merging twice changes nothing', () => {
    const once = mergePlatformFile('queue', THEIR_QUEUE, OUR_QUEUE);
    const twice = mergePlatformFile('queue', once.text, OUR_QUEUE);
    expect(twice).toMatchObject({ added: [], unchanged: ['session-events'] });
    expect(twice.text).toBe(once.text);
  });

  it('keeps their settings of our queue, saying which differ; --prefer-ours writes ours, dropping nothing', () => {
    const theirs = `queue:\n  - name: session-events\n    target: worker\n    rate: 50/s\n`;
    const kept = mergePlatformFile('queue', theirs, OUR_QUEUE);
    expect(kept.added).toEqual([]);
    expect(kept.keptTheirs).toEqual([
      {
        entry: 'session-events',
        differences: expect.arrayContaining(['rate: "50/s" → "500/s"', 'bucket_size: (unset) → 500']) as string[],
      },
    ]);
    expect(kept.text).toBe(theirs);
    const ours = mergePlatformFile('queue', theirs, OUR_QUEUE, { preferOurs: true });
    expect(ours.tookOurs.map((d) => d.entry)).toEqual(['session-events']);
    expect(ours.dropped).toEqual([]);
    expect((parse(ours.text) as { queue: unknown[] }).queue).toEqual((parse(OUR_QUEUE) as { queue: unknown[] }).queue);
  });

  it('keeps their schedule of our cron job; --prefer-ours replaces their job, which drops it', () => {
    const theirs = `cron:\n  - url: /tasks/purge\n    schedule: every 10 minutes\n    target: worker\n  - url: /tasks/purge\n    schedule: every 10 minutes\n`;
    const kept = mergePlatformFile('cron', theirs, OUR_CRON);
    expect(kept.keptTheirs).toEqual([
      {
        entry: '/tasks/purge (target worker)',
        differences: [
          'description: (unset) → "purge expired sessions"',
          'schedule: "every 10 minutes" → "every 30 minutes"',
        ],
      },
    ]);
    // Their job on the default service (no target) is another job: left alone either way.
    expect(kept.added).toEqual([]);
    const replaced = mergePlatformFile('cron', theirs, OUR_CRON, { preferOurs: true });
    expect(replaced.dropped).toEqual(['cron /tasks/purge (target worker, every 10 minutes)']);
    expect(names(replaced.text, 'cron', 'schedule')).toEqual(['every 30 minutes', 'every 10 minutes']);
  });

  it('refuses a file that is not a mapping of entries', () => {
    for (const [text, problem] of [
      ['queue: [', 'is not valid YAML'],
      ['- a\n- b\n', 'is not a YAML mapping'],
      ['queue: emails\n', '"queue:" is not a list'],
      ['queue:\n  - rate: 5/s\n', 'entry 1 of "queue:" needs name'],
    ] as const) {
      expect(() => mergePlatformFile('queue', text, OUR_QUEUE), text).toThrow(problem);
    }
  });
});

describe('planPlatformFile', () => {
  it('writes ours alone without their file, with a warning', () => {
    const plan = planPlatformFile('queue', OUR_QUEUE, undefined);
    expect(plan.text).toBe(OUR_QUEUE);
    expect(plan.notes).toEqual([
      expect.stringContaining('pauses every other queue of the app (pass --queue-yaml') as string,
    ]);
  });

  it('refuses, in one line naming it, to drop an entry of theirs unless allowed', () => {
    const theirs = {
      path: 'app/cron.yaml',
      text: `cron:\n  - url: /tasks/purge\n    schedule: every 5 minutes\n    target: worker\n`,
    };
    let refusal: unknown;
    try {
      planPlatformFile('cron', OUR_CRON, theirs, { preferOurs: true });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(BundleError);
    expect((refusal as BundleError).reason).toBe('drop');
    expect((refusal as BundleError).message).toBe(
      'cron.yaml would drop an existing entry of app/cron.yaml: cron /tasks/purge (target worker, every 5 minutes); pass --allow-drop to write it anyway',
    );
    const allowed = planPlatformFile('cron', OUR_CRON, theirs, { preferOurs: true, allowDrop: true });
    expect(names(allowed.text, 'cron', 'schedule')).toEqual(['every 30 minutes']);
    expect(allowed.notes).toContain(
      'cron.yaml: dropped cron /tasks/purge (target worker, every 5 minutes) (--allow-drop)',
    );
  });
});
