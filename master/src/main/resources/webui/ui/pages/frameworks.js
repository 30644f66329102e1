// Frameworks (#/frameworks) and one framework (#/frameworks/ID): its roles, the offers it holds,
// its offer hygiene, the allocator's "why not", and its tasks.

import {h, clear, section, idLink, keyValues, badge, timeInfo, dateTime, age} from '../dom.js';
import {formatResources} from '../resources.js';
import {VirtualTable} from '../table.js';
import {replaceQuery} from '../router.js';
import {taskTable} from './tasks.js';
import {median, TERMINAL} from '../store.js';
import {explain} from '../api.js';
import {whyNotList} from './offers.js';

export function mount(container, route, context) {
  return route.id ? detail(container, route.id, context) : list(container, route, context);
}

function list(container, route, {store}) {
  const running = () => store.memo('tasksByFramework', () => store.countBy(
    [...store.tasks.values()].filter(t => !TERMINAL.has(t.state)), t => t.framework_id.value));
  const table = new VirtualTable([
    {label: 'framework', value: f => f.id, render: f => idLink('frameworks', f.id), width: 'minmax(12em, 2fr)'},
    {label: 'name', value: f => f.name},
    {label: 'roles', value: f => f.roles.join(', ')},
    {label: 'state', value: f => f.state, render: f => badge(f.state)},
    {label: 'active tasks', value: f => running()[f.id] || 0},
    {label: 'offers held', value: f => [...store.offers.values()].filter(o => o.frameworkId === f.id).length},
  ], {id: 'frameworks', height: 600, filter: route.query.q, onFilter: q => replaceQuery({q}), empty: 'No frameworks.'});
  container.append(h('h1', {}, 'Frameworks'), table.el);
  return {update: () => table.setRows([...store.frameworks.values()])};
}

function detail(container, id, {store}) {
  const head = h('div');
  const offers = h('div', {id: 'framework-offers'});
  const whyNot = h('div', {id: 'why-not'}, 'Asking the allocator…');
  const tasks = taskTable(store, {id: 'framework-tasks', height: 320});
  container.append(h('h1', {}, 'Framework ', idLink('frameworks', id)), head,
    section('Offers held', offers), section('Why pending', whyNot), section('Tasks', tasks.el));
  explain(id).then(reasons => clear(whyNot, whyNotList(reasons)),
    error => clear(whyNot, h('p', {class: 'error'}, error.message)));
  return {
    update() {
      const framework = store.frameworks.get(id);
      const stats = store.frameworkStats.get(id);
      if (!framework) {
        clear(head, h('p', {class: 'muted'}, `No framework ${id} is known (yet).`));
      } else {
        const record = framework.record;
        const ended = stats ? stats.accepted + stats.declined + stats.rescinded + stats.expired : 0;
        clear(head, keyValues([
          ['Name', h('span', {id: 'framework-name'}, framework.name)],
          ['State', badge(framework.state)],
          ['Roles', framework.roles.map(r => h('a', {href: `#/roles/${encodeURIComponent(r)}`, class: 'role'}, r))],
          ['User / principal', `${framework.info.user || ''} / ${framework.info.principal || ''}`],
          ['Registered', dateTime(timeInfo(record.registered_time))],
          ['Allocated', formatResources(record.allocated_resources || [])],
          ['Offer acceptance', stats && ended ? `${Math.round(100 * stats.accepted / ended)}% of ${ended} answered` : '–'],
          ['Median time an offer is held', stats && stats.held.length ? `${median(stats.held).toFixed(1)}s` : '–'],
          stats && stats.unfiltered ? ['Declines without a filter', h('span', {class: 'warning'},
            `⚠ ${stats.unfiltered}: decline with refuse_seconds, or suppress when there is no work`)] : null,
        ]));
      }
      const now = Date.now() / 1000;
      const held = [...store.offers.values()].filter(o => o.frameworkId === id);
      clear(offers, h('p', {}, h('a', {href: `#/offers?framework=${encodeURIComponent(id)}`}, 'offer timeline of this framework')),
        held.length ? h('ul', {}, held.map(o => h('li', {}, idLink('agents', o.agentId), ' ', o.role || '', ' ',
          formatResources(o.resources), ' held ', o.created === undefined ? '?' : age(now - o.created))))
          : h('span', {class: 'muted'}, 'none'));
      tasks.rowsFrom(store.key('tasks', 'agents', 'frameworks'),
        () => [...store.tasks.values()].filter(t => t.framework_id && t.framework_id.value === id));
    },
  };
}
