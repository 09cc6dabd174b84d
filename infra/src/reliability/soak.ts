// npm run soak [-- --duration-s 180 --rate 200 --sessions 2000 --warmup-s 30 --sample-s 10]
// (--help lists the flags): a steady mixed load against the web app and the worker on loopback,
// sampled as it runs; then nothing acknowledged may be missing from Datastore, no read may have
// shown older state, and memory must be flat. Exits 1 otherwise.
import { setTimeout as sleep } from 'node:timers/promises';
import { DatastoreRepository } from '@gaesession/persistence';
import { services } from '@gaesession/testkit';
import { defineCommand, integer, positiveNumber, readCommandLine } from '../cli/args.js';
import { down, up } from '../stack/stack.js';
import { startApps } from '../testing/apps.fixture.js';
import { buildRepository } from '../testing/build.fixture.js';
import { QueueProbe } from './queue-probe.js';
import { refusedText, seconds } from './report.js';
import { SoakDriver } from './soak-driver.js';
import { memoryTrend, sampleTable, takeSample, type SoakSample } from './soak-sampler.js';
import { SCENARIO_ENV } from './stack.js';
import { targetsOf, verifyLedgers, waitForTargets } from './verify.js';

const log = (line: string) => {
  console.log(`[soak] ${line}`);
};

const SOAK_CLI = defineCommand({
  name: 'soak',
  usage: 'npm run soak -- [flags]',
  description: 'A steady mixed load, sampled as it runs; exits 1 if anything was lost or memory grew.',
  options: {
    'duration-s': { type: 'string', value: 's', default: '180', description: 'seconds of load' },
    rate: { type: 'string', value: 'n', default: '200', description: 'requests per second' },
    sessions: { type: 'string', value: 'n', default: '2000', description: 'sessions the load is spread over' },
    'warmup-s': {
      type: 'string',
      value: 's',
      default: '30',
      description: 'seconds of warm-up, left out of the memory trend',
    },
    'sample-s': { type: 'string', value: 's', default: '10', description: 'seconds between samples' },
  },
});

const settings = readCommandLine(SOAK_CLI, ({ values }) => ({
  durationS: positiveNumber('duration-s', values['duration-s']),
  rate: positiveNumber('rate', values.rate),
  sessions: integer('sessions', values.sessions, { min: 1 }),
  warmupS: positiveNumber('warmup-s', values['warmup-s']),
  sampleS: positiveNumber('sample-s', values['sample-s']),
}));

async function main(): Promise<number> {
  const started = await up({ owner: 'test', log });
  try {
    await buildRepository(log, ['apps/web', 'apps/worker']);
    const apps = await startApps({ label: 'soak', env: SCENARIO_ENV });
    try {
      return await soak(apps);
    } finally {
      await apps.stop();
    }
  } finally {
    // Only what this run started (as the test setup does): shared services stay up.
    if (started.length > 0) await down({ log, owner: 'test' });
  }
}

async function soak(apps: Awaited<ReturnType<typeof startApps>>): Promise<number> {
  log(`settings: ${JSON.stringify(settings)}`);
  const driver = new SoakDriver({ baseUrl: apps.web.url, sessions: settings.sessions, rate: settings.rate });
  const t0 = Date.now();
  await driver.loginAll();
  log(`${settings.sessions} sessions logged in (${seconds(Date.now() - t0)})`);
  driver.tally.takeWindow();
  const queue = new QueueProbe(services.redis, apps.queueName);
  const samples: SoakSample[] = [];
  try {
    const startedAt = Date.now();
    driver.start();
    for (let at = settings.sampleS; at <= settings.durationS; at += settings.sampleS) {
      await sleep(Math.max(0, startedAt + at * 1000 - Date.now()));
      const sample = await takeSample({
        atS: at,
        windowS: settings.sampleS,
        tally: driver.tally,
        queue,
        workerMetrics: () => apps.workerMetricsText(),
        webPid: apps.web.pid,
      });
      samples.push(sample);
      log(
        `t=${at}s ${sample.requestsPerS.toFixed(0)} req/s, errors ${(sample.errorRate * 100).toFixed(2)} %, ` +
          `p50 ${sample.p50Ms.toFixed(1)} ms, p99 ${sample.p99Ms.toFixed(1)} ms, queued ${sample.queued}, ` +
          `worker heap ${sample.workerHeapMiB?.toFixed(0) ?? '-'} MiB, in flight ${driver.inFlight}`,
      );
    }
    await driver.stop();
    const stoppedAt = Date.now();
    const repository = new DatastoreRepository({
      datastore: apps.datastore.datastore,
      namespace: apps.datastore.namespace,
    });
    const drainedAt = await waitForTargets(repository, targetsOf(driver.ledgers), {
      queueDepth: () => queue.depth(),
      timeoutMs: 120_000,
    });
    const verification = await verifyLedgers(repository, driver.ledgers);
    const memory = memoryTrend(samples, settings.warmupS);
    const { tally } = driver;
    const stale = driver.staleReads;
    const staleCount = stale.lost + stale.reverted + stale.unexpected;
    const ok =
      verification.lost + verification.reverted + verification.unexpected + verification.resurrected === 0 &&
      staleCount === 0 &&
      drainedAt !== undefined &&
      memory.flat;
    const pair = (measure: readonly [number, number] | undefined) =>
      measure === undefined ? '-' : `${measure[0].toFixed(0)} → ${measure[1].toFixed(0)} MiB`;
    console.log(`\n${sampleTable(samples)}\n`);
    console.log(
      [
        `requests: ${tally.acknowledged + tally.nonAcknowledged} answered (${tally.acknowledged} 2xx, ` +
          `${tally.nonAcknowledged} other: ${refusedText(tally.refusedSummary())}), ${driver.skipped} skipped as overload`,
        `sessions: ${driver.ledgers.length} used, ${verification.sessions} compared with Datastore ` +
          `(logged-out ones must be tombstones), drained ${seconds(drainedAt === undefined ? undefined : drainedAt - stoppedAt)} after the load stopped`,
        `lost ${verification.lost}, reverted ${verification.reverted}, unexpected ${verification.unexpected}, ` +
          `resurrected ${verification.resurrected}; stale reads ${staleCount}`,
        `memory (first vs second half after ${settings.warmupS} s): worker RSS ${pair(memory.workerRss)} (medians), ` +
          `worker heap ${pair(memory.workerHeap)} (lowest), web RSS ${pair(memory.webRss)}: ${memory.flat ? 'flat' : 'GROWING'}`,
        ...verification.problems,
        ...stale.problems,
        ok ? 'soak: clean' : 'soak: NOT CLEAN',
      ].join('\n'),
    );
    return ok ? 0 : 1;
  } finally {
    await driver.stop();
    await queue.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
