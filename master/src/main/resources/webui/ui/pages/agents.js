// Agents (#/agents) and one agent (#/agents/ID): its resources as bars, attributes and tasks.

import {h, clear, section, idLink, keyValues, badge, timeInfo, dateTime} from '../dom.js';
import {formatQuantity, resourceNames, formatResources} from '../resources.js';
import {VirtualTable} from '../table.js';
import {replaceQuery} from '../router.js';
import {taskTable} from './tasks.js';

export function mount(container, route, context) {
  return route.id ? detail(container, route.id, context) : list(container, route, context);
}

function list(container, route, {store}) {
  const table = new VirtualTable([
    {label: 'agent', value: a => a.id, render: a => idLink('agents', a.id), width: 'minmax(12em, 2fr)'},
    {label: 'hostname', value: a => `${a.info.hostname}:${a.info.port || 5051}`},
    {label: 'state', value: a => a.state, render: a => badge(a.state)},
    {label: 'cpus', value: a => a.total.cpus || 0},
    {label: 'mem', value: a => a.total.mem || 0, render: a => formatQuantity('mem', a.total.mem)},
    {label: 'allocated', value: a => formatResources(store.usage().allocated.get(a.id) || {})},
    {label: 'offered', value: a => formatResources(store.usage().offered.get(a.id) || {})},
  ], {id: 'agents', height: 600, filter: route.query.q, onFilter: q => replaceQuery({q}), empty: 'No agents.'});
  container.append(h('h1', {}, 'Agents'), table.el);
  // The allocated and offered columns follow the tasks and the offers.
  return {update: () => table.rowsFrom(store.key('agents', 'tasks', 'offers'), () => [...store.agents.values()])};
}

function detail(container, id, {store}) {
  const head = h('div');
  const bars = h('div', {id: 'resource-bars'});
  const attributes = h('div', {id: 'attributes'});
  const tasks = taskTable(store, {id: 'agent-tasks', height: 320});
  container.append(h('h1', {}, 'Agent ', idLink('agents', id)), head, section('Resources', bars),
    section('Attributes', attributes), section('Tasks', tasks.el));
  return {
    update() {
      const agent = store.agents.get(id);
      if (!agent) return clear(head, h('p', {class: 'muted'}, `No agent ${id} is known (yet).`));
      const record = agent.record || {};
      clear(head, keyValues([
        ['Hostname', `${agent.info.hostname}:${agent.info.port || 5051}`],
        ['State', badge(agent.state)],
        ['Version', record.version],
        ['Registered', dateTime(timeInfo(record.registered_time))],
        ['Offers', h('a', {href: `#/offers?agent=${encodeURIComponent(id)}`}, 'offers of this agent')],
      ]));
      const allocated = store.usage().allocated.get(id) || {};
      const offered = store.usage().offered.get(id) || {};
      clear(bars, resourceNames(agent.total).map(name => bar(name, agent.total[name], allocated[name] || 0,
        offered[name] || 0)));
      clear(attributes, (agent.info.attributes || []).length
        ? keyValues(agent.info.attributes.map(a => [a.name, attributeValue(a)])) : h('span', {class: 'muted'}, 'none'));
      tasks.rowsFrom(store.key('tasks', 'agents', 'frameworks'),
        () => [...store.tasks.values()].filter(t => t.agent_id && t.agent_id.value === id));
    },
  };
}

function bar(name, total, allocated, offered) {
  const pct = x => total ? Math.min(100, 100 * x / total) : 0;
  return h('div', {class: 'bar-row', 'data-resource': name},
    h('span', {class: 'bar-name'}, name),
    h('div', {class: 'bar'},
      h('div', {class: 'bar-allocated', style: `width: ${pct(allocated)}%`}),
      h('div', {class: 'bar-offered', style: `width: ${pct(offered)}%`})),
    h('span', {class: 'bar-text'}, `${formatQuantity(name, allocated)} allocated, ${formatQuantity(name, offered)} offered`
      + ` of ${formatQuantity(name, total)}`));
}

function attributeValue(a) {
  if (a.scalar) return String(a.scalar.value);
  if (a.text) return a.text.value;
  if (a.ranges) return (a.ranges.range || []).map(r => `[${r.begin}-${r.end}]`).join(',');
  if (a.set) return `{${(a.set.item || []).join(',')}}`;
  return '';
}
