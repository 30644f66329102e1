// Tasks (#/tasks) and one task (#/tasks/ID): its state history with reasons and messages, its
// sandbox, and a live tail of stdout and stderr.

import {h, clear, section, idLink, keyValues, badge, dateTime} from '../dom.js';
import {formatResources} from '../resources.js';
import {VirtualTable} from '../table.js';
import {replaceQuery} from '../router.js';
import {agentFiles, agentUrl} from '../api.js';
import {Tail} from '../tail.js';

export function mount(container, route, context) {
  return route.id ? detail(container, route.id, context) : list(container, route, context);
}

/** The task columns every page with tasks uses. */
export function taskTable(store, options) {
  return new VirtualTable([
    {label: 'task', value: t => t.task_id.value, render: t => idLink('tasks', t.task_id.value), width: 'minmax(12em, 2fr)'},
    {label: 'name', value: t => t.name},
    {label: 'state', value: t => t.state, render: t => badge(t.state)},
    {label: 'framework', value: t => store.frameworkName(t.framework_id && t.framework_id.value),
      render: t => idLink('frameworks', t.framework_id && t.framework_id.value,
        store.frameworkName(t.framework_id && t.framework_id.value))},
    {label: 'agent', value: t => t.agent_id && store.agentHost(t.agent_id.value),
      render: t => t.agent_id ? idLink('agents', t.agent_id.value, store.agentHost(t.agent_id.value)) : ''},
    {label: 'updated', value: t => lastTime(t), render: t => dateTime(lastTime(t))},
    {label: 'resources', value: t => formatResources(t.resources), width: 'minmax(10em, 2fr)'},
  ], {sort: {column: 5, descending: true}, empty: 'No tasks.', ...options});
}

function lastTime(task) {
  const statuses = task.statuses || [];
  return statuses.length ? statuses[statuses.length - 1].timestamp : undefined;
}

function list(container, route, {store}) {
  const table = taskTable(store, {id: 'tasks', height: 600, filter: route.query.q, onFilter: q => replaceQuery({q})});
  container.append(h('h1', {}, 'Tasks'), table.el);
  // Framework names and agent hosts are shown too; offer events change none of it.
  return {update: () => table.rowsFrom(store.key('tasks', 'agents', 'frameworks'), () => [...store.tasks.values()])};
}

function detail(container, id, {store}) {
  const head = h('div');
  const history = h('table', {id: 'task-history', class: 'grid'});
  const sandbox = h('div', {id: 'sandbox'});
  container.append(h('h1', {}, 'Task ', idLink('tasks', id)), head, section('State history', history),
    section('Sandbox', sandbox));
  let tails = null;
  return {
    update() {
      const task = store.tasks.get(id);
      if (!task) return clear(head, h('p', {class: 'muted'}, `No task ${id} is known (yet).`));
      const frameworkId = task.framework_id && task.framework_id.value;
      const agentId = task.agent_id && task.agent_id.value;
      clear(head, keyValues([
        ['Name', task.name],
        ['State', h('span', {id: 'task-state'}, badge(task.state))],
        ['Framework', idLink('frameworks', frameworkId, store.frameworkName(frameworkId))],
        ['Agent', idLink('agents', agentId, store.agentHost(agentId))],
        ['Resources', formatResources(task.resources)],
        task.container ? ['Container', task.container.type] : null,
      ]));
      clear(history, h('tr', {}, ['time', 'state', 'reason', 'source', 'message'].map(t => h('th', {}, t))),
        [...(task.statuses || [])].reverse().map(s => h('tr', {}, h('td', {}, dateTime(s.timestamp)),
          h('td', {}, badge(s.state)), h('td', {}, s.reason || ''), h('td', {}, s.source || ''), h('td', {}, s.message || ''))));
      if (!tails) tails = startTails(sandbox, store, task);
    },
    unmount() {
      for (const tail of tails || []) tail.stop();
    },
  };
}

function startTails(el, store, task) {
  const agent = store.agents.get(task.agent_id && task.agent_id.value);
  if (!agent) {
    clear(el, h('p', {class: 'muted'}, 'The task\'s agent is not known, so its sandbox cannot be read.'));
    return [];
  }
  // Read through this master (its /agents/<id>/files/...), which asks the agent with this page's
  // credentials: the page needs no access to the agent's own origin.
  const base = agentFiles(task.agent_id.value);
  const executor = task.executor_id ? task.executor_id.value : task.task_id.value;
  const dir = `/frameworks/${task.framework_id.value}/executors/${executor}/runs/latest`;
  const tails = ['stdout', 'stderr'].map(name => new Tail(base, `${dir}/${name}`, name));
  clear(el, h('p', {}, 'Agent ', h('code', {}, agentUrl(agent.info)), ', sandbox ', h('code', {id: 'sandbox-path'}, dir), ' ',
    h('a', {href: `${base}/files/browse?path=${encodeURIComponent(dir)}`, target: '_blank'}, '(browse)')),
  tails.map(t => t.el));
  tails.forEach(t => t.start());
  return tails;
}
