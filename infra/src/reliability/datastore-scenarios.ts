// The Datastore emulator stopped for a while: writes keep succeeding through the cache and the
// queue, the worker retries, and everything drains once it is back.
import type { PrivateDatastore } from './datastore-emulator.js';
import { runScenario } from './scenario.js';
import { withApps, type ScenarioDefinition } from './stack.js';

/** The id and row label of {@link datastoreStopped}. */
export const DATASTORE_DOWN = {
  id: 'datastore-down',
  name: 'Datastore down for a while (emulator stopped, restarted)',
};

/** The Datastore scenario on `emulator`, a private emulator it stops and starts again. */
export function datastoreStopped(emulator: PrivateDatastore): ScenarioDefinition {
  const { name } = DATASTORE_DOWN;
  return {
    ...DATASTORE_DOWN,
    run: (sizes, log) =>
      withApps('rel-datastore-down', { datastoreEmulatorHost: emulator.host }, log, (apps, redis) =>
        runScenario({
          name,
          apps,
          redis,
          sizes,
          log,
          fault: async (context) => {
            context.faultStarted();
            await emulator.stop();
            context.log('Datastore emulator stopped');
            await context.stopWitnesses();
            await context.sleep(sizes.outageMs);
            await emulator.start();
            await context.recovered();
          },
        }),
      ),
  };
}
