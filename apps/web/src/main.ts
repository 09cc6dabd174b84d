// The web service (App Engine `default`): `npm start` runs this with PORT set.
import { loadConfig } from '@gaesession/config';
import { createWebApp } from './app.js';
import { createWebServices } from './wiring.js';

const config = loadConfig();
const services = createWebServices(config);
const app = createWebApp({ sessions: services.sessions, repository: services.repository });
const port = Number(process.env.PORT ?? 8080);

const server = app.listen(port, () => {
  console.log(
    JSON.stringify({
      message: `web listening on http://127.0.0.1:${port}`,
      mode: config.session.mode,
      queue: config.queue.backend,
      project: config.projectId,
    }),
  );
});

let stopping = false;
function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  console.log(JSON.stringify({ message: `web stopping (${signal})` }));
  server.close(() => {
    services.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  server.closeIdleConnections();
  setTimeout(() => process.exit(1), 10_000).unref();
}
process.on('SIGTERM', () => {
  shutdown('SIGTERM');
});
process.on('SIGINT', () => {
  shutdown('SIGINT');
});
