// The web UI's entry: one store fed by the master's event stream, one page shown at a time,
// chosen by the hash route.

import {Store} from './store.js';
import {EventStream} from './stream.js';
import {survey} from './masters.js';
import {onRoute} from './router.js';
import {call} from './api.js';
import {clear, h} from './dom.js';
import * as overview from './pages/overview.js';
import * as offers from './pages/offers.js';
import * as agents from './pages/agents.js';
import * as frameworks from './pages/frameworks.js';
import * as tasks from './pages/tasks.js';
import * as roles from './pages/roles.js';

const PAGES = {overview, offers, agents, frameworks, tasks, roles};
const SAMPLES = 3600;

const store = new Store();
const context = {store, master: null, masters: null, samples: {time: [], totals: []}};
// Set by the page this one was moved from after its leader was lost (see stream.js).
const movedFrom = new URLSearchParams(location.search).get('from');
if (movedFrom) history.replaceState(null, '', '/' + location.hash);
const view = document.getElementById('view');
const connection = document.getElementById('connection');
let current = null;

function show(route) {
  const page = PAGES[route.page];
  for (const link of document.querySelectorAll('nav a')) {
    link.classList.toggle('active', link.dataset.page === route.page);
  }
  if (current && current.unmount) current.unmount();
  if (!page) {
    current = null;
    clear(view, h('p', {class: 'error'}, `No page '${route.page}'.`));
    return;
  }
  clear(view);
  current = page.mount(view, route, context);
  if (current.update) current.update(store);
  window.scrollTo(0, 0);
}

function status({state, detail}) {
  connection.className = `connection ${state}`;
  connection.title = detail || '';
  if (state === 'live') {
    paintConnection();
    loadMaster();
    loadMasters();
  } else {
    connection.textContent = state === 'reconnecting' ? detail || 'reconnecting…' : 'connecting…';
  }
}

/** Live: which master the page is connected to, and the one it came from after a failover. */
function paintConnection() {
  if (!connection.classList.contains('live')) return;
  const self = context.masters && context.masters.own ? context.masters.own.self : location.host;
  connection.textContent = `live · leader ${self}` + (movedFrom ? ` (failed over from ${movedFrom})` : '');
}

async function loadMaster() {
  try {
    const response = await call('GET_MASTER');
    context.master = response.get_master;
    store.changed();
  } catch (e) {
    console.warn('GET_MASTER failed', e);
  }
}

/** The cluster's masters and which of them answer: on each (re)connect, never on a timer. */
async function loadMasters() {
  showMasters(await survey());
}

function showMasters(surveyed) {
  context.masters = surveyed;
  paintConnection();
  store.changed();
}

/** Once a second, the resource totals from the model, for the overview's chart since the page opened. */
function sample() {
  if (!store.agents.size && !context.samples.time.length) return;
  context.samples.time.push(Date.now() / 1000);
  context.samples.totals.push(store.totals());
  if (context.samples.time.length > SAMPLES) {
    context.samples.time.shift();
    context.samples.totals.shift();
  }
}

store.onChange(s => { if (current && current.update) current.update(s); });
setInterval(sample, 1000);
onRoute(show);
const stream = new EventStream(event => store.apply(event), status);
stream.onMasters = showMasters;
stream.start();
window.mezzo = {store, stream, context};
