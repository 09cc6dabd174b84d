// npm run chaos [-- --only <id>,<id>] [--quick] (--help lists the flags): every fault scenario with
// more sessions and longer outages than `npm test` runs, then the fault table. Exits 1 if anything
// acknowledged was lost, reverted, made up or resurrected.
import { defineCommand, readCommandLine, someOf } from '../cli/args.js';
import { down, up } from '../stack/stack.js';
import { buildRepository } from '../testing/build.fixture.js';
import { memcachedScenarios, valkeyScenarios } from './cache-scenarios.js';
import { startPrivateDatastore, type PrivateDatastore } from './datastore-emulator.js';
import { DATASTORE_DOWN, datastoreStopped } from './datastore-scenarios.js';
import { redisRestarted, redisRestartedWithoutAof, redisStopped } from './redis-scenarios.js';
import { clean, details, faultTable, seconds } from './report.js';
import { CHAOS, QUICK, type ScenarioResult } from './scenario.js';
import type { ScenarioDefinition } from './stack.js';
import { twoWorkers, workerKilled } from './worker-scenarios.js';

const log = (line: string) => {
  console.log(`[chaos] ${line}`);
};

/** The scenarios in table order; the Datastore one needs the private emulator started below. */
function scenarios(emulator: () => PrivateDatastore): ScenarioDefinition[] {
  const onDatastore: ScenarioDefinition = {
    ...DATASTORE_DOWN,
    run: (sizes, runLog) => datastoreStopped(emulator()).run(sizes, runLog),
  };
  return [
    workerKilled,
    twoWorkers,
    redisRestarted,
    redisRestartedWithoutAof,
    redisStopped,
    memcachedScenarios.flushed,
    memcachedScenarios.restarted,
    memcachedScenarios.frozen,
    valkeyScenarios.flushed,
    valkeyScenarios.restarted,
    valkeyScenarios.frozen,
    onDatastore,
  ];
}

let emulator: PrivateDatastore | undefined;
const ALL = scenarios(() => {
  if (emulator === undefined) throw new Error('the private Datastore emulator is not running');
  return emulator;
});
const IDS = ALL.map((scenario) => scenario.id);

const CHAOS_CLI = defineCommand({
  name: 'chaos',
  usage: 'npm run chaos -- [flags]',
  description: 'Runs the fault scenarios under load, then prints the fault table; exits 1 if one is not clean.',
  options: {
    only: {
      type: 'string',
      value: 'id,id',
      defaultText: 'all',
      description: `the scenarios to run, of ${IDS.join(', ')}`,
    },
    quick: { type: 'boolean', description: 'the smaller sizes `npm test` uses' },
  },
});

const options = readCommandLine(CHAOS_CLI, ({ values }) => ({
  only: values.only === undefined ? IDS : someOf('only', values.only, IDS),
  sizes: values.quick ? QUICK : CHAOS,
}));

async function main(): Promise<number> {
  const { sizes } = options;
  const chosen = ALL.filter((scenario) => options.only.includes(scenario.id));
  const started = await up({ owner: 'test', log });
  const results: ScenarioResult[] = [];
  try {
    await buildRepository(log, ['apps/web', 'apps/worker']);
    if (chosen.some((scenario) => scenario.id === DATASTORE_DOWN.id)) {
      log('starting a private Datastore emulator...');
      emulator = await startPrivateDatastore();
    }
    log(`sizes: ${JSON.stringify(sizes)}`);
    for (const scenario of chosen) {
      const t0 = Date.now();
      const result = await scenario.run(sizes, log);
      results.push(result);
      const verdict = clean(result) ? 'clean' : 'NOT CLEAN';
      log(
        `${scenario.id}: ${verdict}${scenario.expectLoss === true ? ' (a control)' : ''} (${seconds(Date.now() - t0)})`,
      );
      for (const line of details(result)) log(line);
    }
  } finally {
    await emulator?.close();
    // Only what this run started (as the test setup does): shared services stay up.
    if (started.length > 0) await down({ log, owner: 'test' });
  }
  console.log(`\n${faultTable(results)}\n`);
  for (const result of results) for (const line of details(result)) console.log(line);
  // A control must come out not clean: otherwise the checker cannot see a loss.
  const right = results.every((result, i) => clean(result) !== (chosen[i]?.expectLoss === true));
  return right ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
