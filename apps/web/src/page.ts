/** The demo's HTML pages. Every dynamic value goes through `escape`. */
import { escape } from './html.js';
import { sessionsPanel } from './sessions-panel.js';

export { escape } from './html.js';

const STYLE = `body{font-family:system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin:0 0 .5rem}form{margin:1rem 0}input,button{font-size:1rem;padding:.3rem .6rem}
.panel{border:1px solid #ccc;border-radius:6px;padding:.8rem 1rem;margin:1rem 0;background:#fafafa}
.note{color:#555;font-size:.9rem;margin:.3rem 0 .6rem}table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{text-align:left;padding:.25rem .4rem;border-bottom:1px solid #e3e3e3}tr.current td{font-weight:600}
.ok{color:#186a1d}.pending{color:#8a5a00}code{background:#eee;padding:0 .2rem}`;

/** A static icon inline, so the browser does not ask for /favicon.ico. */
const ICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='7' fill='%23186a1d'/%3E%3C/svg%3E";

function layout(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>gaesession demo</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="${ICON}"><style>${STYLE}</style></head>
<body><h1>gaesession demo</h1>${body}</body></html>`;
}

export interface LoginView {
  /** Why the last attempt failed. */
  error?: string;
  /** The visitor just logged out (the form logout lands here). */
  loggedOut?: boolean;
  /** Sessions are kept in Datastore (false in cache-only mode). */
  durable: boolean;
}

function loggedOutMessage(durable: boolean): string {
  const where = durable
    ? `its tombstone is in Datastore (written before this page was sent), so the old cookie opens
nothing any more, and no late change still in the queue can bring the session back.`
    : 'its tombstone is in the cache, so the old cookie opens nothing any more.';
  return `<p class="ok" id="logged-out">You are logged out. Your session ended: ${where}</p>`;
}

export function loginPage(view: LoginView): string {
  const error = view.error === undefined ? '' : `<p class="pending" id="error">${escape(view.error)}</p>`;
  const loggedOut = view.loggedOut === true ? loggedOutMessage(view.durable) : '';
  return layout(`${loggedOut}<p>Write-behind sessions: memcached on the request path, change events through a queue,
Datastore behind a worker.</p>${error}
<form method="post" action="/login">
<label>User <input name="user" id="user" autocomplete="username" required></label>
<label>Password <input name="password" id="password" type="password" autocomplete="current-password" required></label>
<button type="submit" id="login">Log in</button></form>
<p>Any user name works; the password is <code>a</code>. Log in as the same user from another browser to see
both sessions in the "Your sessions" panel.</p>`);
}

export interface HomeView {
  user: string;
  visits: number;
  version: number;
  id: string;
}

export function homePage(view: HomeView): string {
  return layout(`<p>Hello, <strong id="who">${escape(view.user)}</strong>.</p>
<p>Visits: <strong id="visits">${view.visits}</strong>. The count starts at 0 on the first page after login;
each refresh adds one (an increment, which merges with concurrent ones instead of overwriting them).</p>
<div class="panel"><div>Session <code id="session-label">${escape(view.id.slice(0, 12))}…</code>, version <strong id="version">${view.version}</strong></div>
<p class="note">The label is the start of the session id: a SHA-256 hash of the random token in your cookie,
never the token itself. The cookie is HttpOnly (no script can read it), and the cache, the queue, Datastore
and the logs only ever see the hash, so nothing they keep can be replayed as a cookie. The version grows by
one with each change.</p>
<div>Datastore: <span id="durable" class="pending">checking…</span></div>
<p class="note">A change is written to the cache at once and sent through the queue to the worker, which
stores it in Datastore. <em>Durable</em> means Datastore holds this version, so losing the cache now loses
nothing; <em>pending</em> means the worker has not stored it yet (the cache already serves it).</p></div>
${sessionsPanel(view.user)}
<form method="post" action="/logout"><button type="submit" id="logout">Log out</button></form>
<script>
async function check(){const r=await fetch('/api/durability');if(!r.ok)return;const d=await r.json();
const el=document.getElementById('durable');
if(d.durable){el.textContent='durable (version '+d.durableVersion+' stored)';el.className='ok';}
else{el.textContent='pending: Datastore holds version '+d.durableVersion+', the worker is on its way';el.className='pending';setTimeout(check,300);}}
check();
</script>`);
}
