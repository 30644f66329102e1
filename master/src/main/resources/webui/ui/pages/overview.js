// Overview (#/): the leading master, the cluster's masters (leader or standby, reachable from this
// browser or not, as read on each (re)connect), agents and tasks by state, and Total / Allocated / Offered /
// Idle per resource, as numbers and as charts since the page opened (sampled from the model).

import {h, clear, section, keyValues, age, dateTime, badge} from '../dom.js';
import {formatQuantity, resourceNames} from '../resources.js';
import {timeChart} from '../chart.js';

const KINDS = ['total', 'allocated', 'offered', 'idle'];
const CHARTED = ['cpus', 'mem'];

export function mount(container, route, context) {
  const master = h('div', {id: 'master'});
  const masters = h('table', {id: 'masters', class: 'grid'});
  const agents = h('div', {id: 'agents-by-state', class: 'counts'});
  const tasks = h('div', {id: 'tasks-by-state', class: 'counts'});
  const resources = h('table', {id: 'resources', class: 'grid'});
  const charts = CHARTED.map(name => ({name, chart: timeChart(KINDS, {title: name, id: `chart-${name}`})}));
  container.append(
    h('h1', {}, 'Overview'),
    section('Master', master),
    section('Masters', masters),
    h('div', {class: 'columns'}, section('Agents', agents), section('Tasks', tasks)),
    section('Resources', resources),
    section('Resources since this page opened', h('div', {class: 'charts'}, charts.map(c => c.chart.el))));

  function drawCharts() {
    const {time, totals} = context.samples;
    for (const {name, chart} of charts) {
      chart.set([time, ...KINDS.map(kind => totals.map(t => t[kind][name] || 0))]);
    }
  }
  const timer = setInterval(() => { drawCharts(); paintMaster(); }, 1000);

  function paintMaster() {
    const m = context.master;
    if (!m) return clear(master, 'Waiting for the master…');
    const info = m.master_info || {};
    const address = info.address ? `${info.address.hostname || info.address.ip}:${info.address.port}` : location.host;
    clear(master, keyValues([
      ['Leader', h('span', {id: 'leader'}, address)],
      ['Master id', info.id],
      ['Version', h('span', {id: 'version'}, info.version || '?')],
      ['Started', m.start_time ? `${dateTime(m.start_time)} (up ${age(Date.now() / 1000 - m.start_time)})` : '?'],
      ['Elected', m.elected_time ? dateTime(m.elected_time) : '?'],
    ]));
  }

  function paintMasters() {
    const surveyed = context.masters;
    if (!surveyed) return clear(masters, h('tr', {}, h('td', {class: 'muted'}, 'Asking the masters…')));
    const rows = [...surveyed.masters].sort((a, b) => a.address.localeCompare(b.address, undefined, {numeric: true}));
    clear(masters, h('tr', {}, ['address', 'role', 'reachable', ''].map(t => h('th', {}, t))),
      rows.map(m => h('tr', {'data-master': m.address},
        h('td', {}, m.address),
        h('td', {class: 'role'}, badge(m.leader ? 'leader' : 'standby', m.leader ? 'leader' : 'standby'),
          m.state === 'recovering' ? ' recovering' : ''),
        h('td', {class: 'reachable'}, badge(m.reachable ? 'reachable' : 'unreachable')),
        h('td', {class: 'muted'}, m.own ? 'this page' : ''))));
  }

  return {
    update(store) {
      paintMaster();
      paintMasters();
      counts(agents, store.countBy(store.agents.values(), a => a.state), '#/agents');
      counts(tasks, store.countBy(store.tasks.values(), t => t.state), '#/tasks');
      const totals = store.totals();
      const names = resourceNames(totals.total, totals.allocated, totals.offered);
      clear(resources,
        h('tr', {}, h('th', {}, 'resource'), KINDS.map(k => h('th', {}, k))),
        names.map(name => h('tr', {'data-resource': name}, h('td', {}, name),
          KINDS.map(k => h('td', {class: `num ${k}`}, formatQuantity(name, totals[k][name]))))));
      drawCharts();
    },
    unmount() { clearInterval(timer); },
  };
}

function counts(el, byState, link) {
  const entries = Object.entries(byState).sort();
  clear(el, entries.length ? entries.map(([state, n]) =>
    h('a', {class: 'count-box', href: `${link}?q=${encodeURIComponent(state)}`}, badge(state), h('b', {}, n)))
    : h('span', {class: 'muted'}, 'none'));
}
