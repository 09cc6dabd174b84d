import { newRunContext } from './context.js';
import { measureHotSessions } from './hot-sessions.js';
const ctx = newRunContext();
for (const inFlight of process.argv.slice(2).map(Number)) {
  const r = await measureHotSessions(ctx, { changes: 1000, sessions: 10, inFlight });
  console.log(JSON.stringify(r));
}
