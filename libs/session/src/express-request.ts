// `import '@gaesession/session/express'`: types `req.session`, `req.createSession()` and
// `req.saveSession()` on Express's Request. Opt-in, because @types/express-session types
// `req.session` differently and one program cannot hold both (TS2430): an app that also has
// express-session's types uses `sessionOf(req)` instead. Nothing happens at run time.
import type { SessionRequest } from './express.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own extension point
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merged into Express's Request
    interface Request extends SessionRequest {}
  }
}

export type { SessionRequest };
