// Offers (#/offers?framework=&agent=&role=): the outstanding offers by age, a warning for a
// framework holding offers too long, the live timeline of offer events (filterable, pausable),
// offers per second, per-framework offer hygiene, and the allocator's "why not" for a framework.

import {h, clear, section, idLink, age, clock, badge} from '../dom.js';
import {formatResources} from '../resources.js';
import {VirtualTable} from '../table.js';
import {timeChart} from '../chart.js';
import {replaceQuery} from '../router.js';
import {median} from '../store.js';
import {explain} from '../api.js';

/** Holding an offer longer than this (seconds) is flagged; ?hold=N changes it. */
const DEFAULT_HOLD_WARNING = 60;
const CHART_SECONDS = 300;

export function mount(container, route, {store}) {
  const filters = {framework: route.query.framework || '', agent: route.query.agent || '', role: route.query.role || ''};
  const holdWarning = Number(route.query.hold) || DEFAULT_HOLD_WARNING;
  let paused = null; // the number of events shown when paused

  const selects = Object.fromEntries(Object.keys(filters).map(key => [key, h('select', {
    id: `filter-${key}`, onchange: event => {
      filters[key] = event.target.value;
      replaceQuery({...filters, hold: route.query.hold});
      refresh();
    },
  })]));
  const pause = h('button', {id: 'pause', onclick: () => {
    paused = paused === null ? store.offerEvents.length : null;
    refresh();
  }}, 'Pause');
  const pausedNote = h('span', {id: 'paused-note', class: 'muted'});
  const warnings = h('div', {id: 'hold-warnings'});
  const whyNot = h('div', {id: 'why-not'});
  const stats = h('table', {id: 'framework-stats', class: 'grid'});
  const now = () => Date.now() / 1000;

  const outstanding = new VirtualTable([
    {label: 'age', value: o => o.created === undefined ? -1 : now() - o.created,
      render: o => o.created === undefined ? `≥ ${age(now() - o.seen)}` : age(now() - o.created)},
    {label: 'offer', value: o => o.id},
    {label: 'framework', value: o => store.frameworkName(o.frameworkId),
      render: o => idLink('frameworks', o.frameworkId, store.frameworkName(o.frameworkId))},
    {label: 'role', value: o => o.role},
    {label: 'agent', value: o => o.agentId, render: o => idLink('agents', o.agentId)},
    {label: 'resources', value: o => formatResources(o.resources), width: 'minmax(12em, 2fr)'},
  ], {id: 'outstanding', height: 240, sort: {column: 0, descending: true}, empty: 'No outstanding offers.'});

  const timeline = new VirtualTable([
    {label: 'time', value: e => e.time, render: e => clock(e.time), width: '6em'},
    {label: 'event', value: e => e.kind, render: e => badge(e.kind), width: '8em'},
    {label: 'offer', value: e => e.offerId},
    {label: 'framework', value: e => store.frameworkName(e.frameworkId),
      render: e => idLink('frameworks', e.frameworkId, store.frameworkName(e.frameworkId))},
    {label: 'agent', value: e => e.agentId, render: e => idLink('agents', e.agentId)},
    {label: 'role', value: e => e.role, width: '7em'},
    {label: 'details', value: e => details(e).text, render: e => details(e).node, width: 'minmax(14em, 3fr)'},
  ], {id: 'timeline', height: 360, sort: {column: 0, descending: true}, empty: 'No offer events yet.'});

  const rate = timeChart(['created', 'accepted', 'declined'], {title: 'offers per second', id: 'chart-offers'});

  container.append(
    h('h1', {}, 'Offers'),
    h('div', {class: 'toolbar'},
      h('label', {}, 'framework ', selects.framework), h('label', {}, 'agent ', selects.agent),
      h('label', {}, 'role ', selects.role), pause, pausedNote),
    whyNot,
    section('Outstanding offers', warnings, outstanding.el),
    section('Timeline', timeline.el),
    h('div', {class: 'columns'}, section('Offers per second', rate.el), section('Per framework', stats)));

  function matches(x) {
    return (!filters.framework || x.frameworkId === filters.framework)
      && (!filters.agent || x.agentId === filters.agent)
      && (!filters.role || x.role === filters.role);
  }

  function options() {
    const seen = {framework: new Set(), agent: new Set(), role: new Set()};
    for (const x of [...store.offers.values(), ...store.offerEvents]) {
      if (x.frameworkId) seen.framework.add(x.frameworkId);
      if (x.agentId) seen.agent.add(x.agentId);
      if (x.role) seen.role.add(x.role);
    }
    for (const f of store.frameworks.values()) seen.framework.add(f.id);
    for (const key of Object.keys(filters)) {
      if (filters[key]) seen[key].add(filters[key]);
      const values = [...seen[key]].sort();
      const label = v => key === 'framework' ? `${store.frameworkName(v)} (${v})` : key === 'agent' ? `${store.agentHost(v)} (${v})` : v;
      const signature = values.join('\n');
      if (selects[key].dataset.signature !== signature) {
        selects[key].dataset.signature = signature;
        clear(selects[key], h('option', {value: ''}, 'all'), values.map(v => h('option', {value: v}, label(v))));
      }
      selects[key].value = filters[key];
    }
  }

  let explained = null;
  function loadWhyNot() {
    if (explained === filters.framework) return;
    explained = filters.framework;
    if (!filters.framework) return clear(whyNot);
    clear(whyNot, section('Why pending', 'Asking the allocator…'));
    explain(filters.framework).then(reasons => {
      if (explained === filters.framework) clear(whyNot, section('Why pending', whyNotList(reasons)));
    }, error => clear(whyNot, section('Why pending', h('p', {class: 'error'}, error.message))));
  }

  function refresh() {
    options();
    loadWhyNot();
    const offers = [...store.offers.values()].filter(matches);
    outstanding.setRows(offers);
    const holders = new Map();
    for (const o of store.offers.values()) {
      if (o.created !== undefined && now() - o.created > holdWarning) {
        holders.set(o.frameworkId, Math.max(holders.get(o.frameworkId) || 0, now() - o.created));
      }
    }
    clear(warnings, [...holders].map(([id, held]) => h('p', {class: 'warning hold-warning'},
      '⚠ ', idLink('frameworks', id, store.frameworkName(id)),
      ` holds an offer for ${age(held)} (over ${holdWarning}s): offers it keeps are unavailable to others.`)));
    const events = paused === null ? store.offerEvents : store.offerEvents.slice(0, paused);
    timeline.setRows(events.filter(matches));
    pause.textContent = paused === null ? 'Pause' : 'Resume';
    pausedNote.textContent = paused === null ? '' : `paused; ${store.offerEvents.length - paused} new events not shown`;
    drawRate();
    frameworkStats();
  }

  function drawRate() {
    const end = Math.floor(now());
    const time = [];
    const series = [[], [], []];
    for (let s = end - CHART_SECONDS; s <= end; s++) {
      const r = store.rates.get(s) || {created: 0, accepted: 0, declined: 0};
      time.push(s);
      series[0].push(r.created);
      series[1].push(r.accepted);
      series[2].push(r.declined);
    }
    rate.set([time, ...series]);
  }

  function frameworkStats() {
    clear(stats, h('tr', {}, ['framework', 'offers', 'accepted', 'declined', 'rescinded', 'expired', 'acceptance',
      'median held', 'declines without a filter'].map(t => h('th', {}, t))),
    [...store.frameworkStats].map(([id, s]) => {
      const ended = s.accepted + s.declined + s.rescinded + s.expired;
      const held = median(s.held);
      return h('tr', {'data-framework': id}, h('td', {}, idLink('frameworks', id, store.frameworkName(id))),
        h('td', {class: 'num'}, s.created), h('td', {class: 'num'}, s.accepted), h('td', {class: 'num'}, s.declined),
        h('td', {class: 'num'}, s.rescinded), h('td', {class: 'num'}, s.expired),
        h('td', {class: 'num acceptance'}, ended ? `${Math.round(100 * s.accepted / ended)}%` : '–'),
        h('td', {class: 'num'}, held === undefined ? '–' : `${held.toFixed(1)}s`),
        h('td', {class: 'num' + (s.unfiltered ? ' warning unfiltered' : '')}, s.unfiltered
          ? `⚠ ${s.unfiltered} (decline with a filter, or suppress when idle)` : '0'));
    }));
  }

  const timer = setInterval(() => { outstanding.refresh(); drawRate(); }, 1000);
  return {update: refresh, unmount: () => clearInterval(timer)};
}

/** What an event adds to its kind, in words and with links. */
function details(e) {
  switch (e.kind) {
    case 'CREATED':
      return text(formatResources(e.resources));
    case 'ACCEPTED': {
      const words = `launched ${e.taskIds.length} task(s)${held(e)}`;
      return {text: `${words} ${e.taskIds.join(' ')}`, node: h('span', {}, words, ': ',
        e.taskIds.map(id => [idLink('tasks', id), ' ']))};
    }
    case 'DECLINED': {
      const filter = e.filtersGiven === false ? `no filter given (refused for the default ${e.refuseSeconds ?? 5}s)`
        : `filter ${e.refuseSeconds}s`;
      return {text: filter + held(e), node: h('span', {class: e.filtersGiven === false ? 'warning' : ''},
        filter + held(e))};
    }
    case 'RESCINDED':
      return text(`${e.reason || ''}${e.message ? ': ' + e.message : ''}${held(e)}`);
    case 'EXPIRED':
      return text(`not answered${held(e)}`);
    default:
      return text('');
  }
}

function held(e) {
  return e.heldSeconds !== undefined ? `, held ${e.heldSeconds.toFixed(1)}s` : '';
}

function text(t) {
  return {text: t, node: t};
}

export function whyNotList(reasons) {
  if (!reasons.length) return h('p', {class: 'muted'}, 'The allocator has nothing holding this framework back.');
  return h('ul', {class: 'why-not'}, reasons.map(r => h('li', {}, h('b', {}, r.role), ': ', r.reason,
    Object.keys(r.details || {}).length ? h('code', {}, ' ' + JSON.stringify(r.details)) : '')));
}
