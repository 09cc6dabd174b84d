import { newRunContext } from './context.js';
import { measureEmulatorSpeed, measurePurge } from './purge.js';
const ctx = newRunContext();
const n = Number(process.argv[2] ?? 5000);
for (const a of ['batched', 'one-by-one'] as const) {
  const r = await measurePurge(ctx, a, n);
  console.log(
    a,
    ((r.deleted / r.elapsedMs) * 1000).toFixed(0),
    'deleted/s',
    'seed',
    ((n / r.seedMs) * 1000).toFixed(0),
    '/s',
  );
}
console.log(await measureEmulatorSpeed(ctx, 2000));
