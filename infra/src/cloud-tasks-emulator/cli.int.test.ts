import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually, uniqueName } from '@gaesession/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTarget, tasksClient, type TestTarget } from './test-target.fixture.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const TSX = join(HERE, '..', '..', '..', 'node_modules', '.bin', 'tsx');
const CLI = join(HERE, 'cli.ts');

interface Run {
  child: ChildProcessByStdio<null, Readable, Readable>;
  output: () => string;
  exited: Promise<number | null>;
}

function runCli(args: string[]): Run {
  const child = spawn(TSX, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', resolve);
  });
  return { child, output: () => output, exited };
}

let dir: string;
let target: TestTarget;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ct-cli-'));
  target = await startTestTarget();
});

afterAll(async () => {
  await target.close();
  await rm(dir, { recursive: true, force: true });
});

describe('cli', () => {
  it('serves queue.yaml, prints the env var, dispatches to --target, and stops on SIGTERM', async () => {
    const queueYaml = join(dir, 'queue.yaml');
    await writeFile(queueYaml, 'queue:\n- name: session-events\n  rate: 50/s\n');
    const run = runCli(['--port', '0', '--queue-yaml', queueYaml, '--target', `worker=${target.url}`]);
    try {
      const address = await eventually(
        () => /export CLOUD_TASKS_EMULATOR_HOST=(127\.0\.0\.1:\d+)/.exec(run.output())?.[1],
        {
          timeoutMs: 20_000,
          what: 'the CLI to print its address',
        },
      );
      expect(run.output()).toContain('queues: session-events, default');
      const client = tasksClient(Number(address.split(':')[1]));
      const id = uniqueName('cli');
      const parent = `projects/${uniqueName('ct-cli')}/locations/us-central1/queues/session-events`;
      await client.createTask({
        parent,
        task: {
          name: `${parent}/tasks/${id}`,
          appEngineHttpRequest: { relativeUri: '/tasks/session-events', appEngineRouting: { service: 'worker' } },
        },
      });
      const request = await eventually(() => target.received.find((r) => r.headers['x-appengine-taskname'] === id));
      expect(request.headers['x-appengine-queuename']).toBe('session-events');
      await client.close();
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
  });

  it('exits 1 with the problems of a bad queue.yaml', async () => {
    const queueYaml = join(dir, 'bad.yaml');
    await writeFile(queueYaml, 'queue:\n- name: a\n  rate: quick\n');
    const run = runCli(['--port', '0', '--queue-yaml', queueYaml]);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('rate "quick" must look like 500/s');
  });
});
