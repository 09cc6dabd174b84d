/** The demo's one HTML page. Every dynamic value goes through `escape`. */

export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}form{margin:1rem 0}input,button{font-size:1rem;padding:.3rem .6rem}
.panel{border:1px solid #ccc;border-radius:6px;padding:.8rem 1rem;margin:1rem 0;background:#fafafa}
.ok{color:#186a1d}.pending{color:#8a5a00}code{background:#eee;padding:0 .2rem}`;

function layout(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>gaesession demo</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><h1>gaesession demo</h1>${body}</body></html>`;
}

export function loginPage(error?: string): string {
  const message = error === undefined ? '' : `<p class="pending" id="error">${escape(error)}</p>`;
  return layout(`<p>Write-behind sessions: memcached on the request path, change events through a queue,
Datastore behind a worker.</p>${message}
<form method="post" action="/login">
<label>User <input name="user" id="user" autocomplete="username" required></label>
<label>Password <input name="password" id="password" type="password" autocomplete="current-password" required></label>
<button type="submit" id="login">Log in</button></form>
<p>Any user name works; the password is <code>a</code>.</p>`);
}

export interface HomeView {
  user: string;
  visits: number;
  version: number;
  id: string;
}

export function homePage(view: HomeView): string {
  return layout(`<p>Hello, <strong id="who">${escape(view.user)}</strong>.</p>
<p>You have visited this page <strong id="visits">${view.visits}</strong> time(s). Refresh to count.</p>
<div class="panel"><div>Session <code>${escape(view.id.slice(0, 12))}…</code>, version <strong id="version">${view.version}</strong></div>
<div>Datastore: <span id="durable" class="pending">checking…</span></div></div>
<form method="post" action="/logout"><button type="submit" id="logout">Log out</button></form>
<script>
async function check(){const r=await fetch('/api/durability');if(!r.ok)return;const d=await r.json();
const el=document.getElementById('durable');
if(d.durable){el.textContent='durable (version '+d.durableVersion+' stored)';el.className='ok';}
else{el.textContent='pending: Datastore holds version '+d.durableVersion+', the worker is on its way';el.className='pending';setTimeout(check,300);}}
check();
</script>`);
}
