/**
 * The "Your sessions" panel of the home page: every session of the user (this device first), with
 * its device, start and last-seen times, a button to end each other one, and "Log out other
 * sessions". Its script talks to the JSON API (GET /api/sessions, POST
 * /api/sessions/logout-others, DELETE /api/sessions/:id) and builds rows with `textContent` only;
 * the one value the server puts in the HTML goes through `escape`.
 */
import { escape } from './html.js';

const SCRIPT = `(function(){
const rows=document.getElementById('session-rows'),status=document.getElementById('sessions-status');
const others=document.getElementById('logout-others');
let generation=0;
function ago(ms){const s=Math.max(0,Math.round((Date.now()-ms)/1000));
if(s<45)return 'just now';if(s<3600)return Math.max(1,Math.round(s/60))+' min ago';
if(s<86400)return Math.round(s/3600)+' h ago';return new Date(ms).toLocaleDateString();}
function cell(text,title){const td=document.createElement('td');td.textContent=text;if(title)td.title=title;return td;}
function row(s){const tr=document.createElement('tr');tr.dataset.session=s.id;if(s.current)tr.className='current';
tr.append(cell((s.device||'Unknown device')+(s.current?' (this device)':'')),cell(s.id.slice(0,12)+'\\u2026',s.id),
cell(ago(s.created),new Date(s.created).toLocaleString()),
cell(s.current?'now':ago(s.accessed),new Date(s.accessed).toLocaleString()));
const action=document.createElement('td');
if(!s.current){const b=document.createElement('button');b.type='button';b.className='end-session';
b.textContent='Log out';b.onclick=function(){end(s.id);};action.append(b);}
tr.append(action);return tr;}
async function call(method,path){const r=await fetch(path,{method:method});
if(r.status===401){location.reload();throw new Error('this session has ended');}return r;}
function ended(n){status.textContent=n===0?'No other session to end.':n===1?
'Ended 1 session: its tombstone is in Datastore, so that device sees the login form on its next request.':
'Ended '+n+' sessions: their tombstones are in Datastore, so those devices see the login form on their next request.';}
async function load(){const r=await call('GET','/api/sessions');
if(!r.ok){status.textContent='Could not list your sessions ('+r.status+').';return;}
const d=await r.json();rows.replaceChildren.apply(rows,d.sessions.map(row));
others.disabled=!d.sessions.some(function(s){return !s.current;});rows.dataset.generation=String(++generation);}
async function end(id){const r=await call('DELETE','/api/sessions/'+encodeURIComponent(id));
if(r.status===204)ended(1);else status.textContent='That session had already ended.';await load();}
others.onclick=async function(){const r=await call('POST','/api/sessions/logout-others');
if(r.ok)ended((await r.json()).ended);await load();};
document.getElementById('refresh-sessions').onclick=function(){status.textContent='';load();};
load();})();`;

export function sessionsPanel(user: string): string {
  return `<section class="panel" id="sessions-panel"><h2>Your sessions</h2>
<p class="note">Every browser where <strong>${escape(user)}</strong> is logged in, listed from Datastore, which
indexes each session by its user. Ending one works exactly like its own logout: a tombstone in the cache
and in Datastore before the answer, so that device sees the login form on its next request. <em>Last seen</em>
is the last change Datastore holds for the session.</p>
<table id="sessions"><thead><tr><th>Device</th><th>Session</th><th>Started</th><th>Last seen</th><th></th></tr></thead>
<tbody id="session-rows"><tr><td colspan="5">loading…</td></tr></tbody></table>
<button type="button" id="logout-others">Log out other sessions</button>
<button type="button" id="refresh-sessions">Refresh the list</button>
<p id="sessions-status" role="status"></p></section>
<script>${SCRIPT}</script>`;
}
