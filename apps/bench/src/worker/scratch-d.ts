import { newRunContext } from './context.js';
import { measureMemory } from './memory.js';
const ctx = newRunContext();
const r = await measureMemory(ctx, {
  events: Number(process.argv[2] ?? 200000),
  warmupEvents: 10000,
  sessions: Number(process.argv[3] ?? 100),
  inFlight: Number(process.argv[4] ?? 20),
  eventsPerDelivery: Number(process.argv[5] ?? 10),
  checkpoints: 4,
  settleMs: 500,
});
console.log(JSON.stringify({ ...r, options: undefined }, null, 1));
