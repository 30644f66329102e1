// Roles (#/roles) and one role (#/roles/NAME): weight, quota and allocation. Roles are not on the
// event stream: they are read when the page opens (and on "refresh"), never in a loop.

import {h, clear, section, idLink, keyValues} from '../dom.js';
import {formatResources, quantities} from '../resources.js';
import {VirtualTable} from '../table.js';
import {call, explain} from '../api.js';
import {whyNotList} from './offers.js';

export function mount(container, route, {store}) {
  const table = new VirtualTable([
    {label: 'role', value: r => r.name, render: r => h('a', {href: `#/roles/${encodeURIComponent(r.name)}`}, r.name)},
    {label: 'weight', value: r => r.weight},
    {label: 'frameworks', value: r => (r.frameworks || []).length},
    {label: 'allocated', value: r => formatResources(r.resources || []), width: 'minmax(12em, 2fr)'},
    {label: 'quota guarantee', value: r => quotaText(r.quota, 'guarantees')},
    {label: 'quota limit', value: r => quotaText(r.quota, 'limits')},
  ], {id: 'roles', height: 400, empty: 'No roles.'});
  const detail = h('div', {id: 'role-detail'});
  const note = h('p', {class: 'muted'});
  container.append(h('h1', {}, route.id ? `Role ${route.id}` : 'Roles'), detail,
    h('p', {}, h('button', {id: 'refresh-roles', onclick: load}, 'Refresh'), ' ', note), table.el);

  async function load() {
    note.textContent = 'reading…';
    try {
      const [roles, quota] = await Promise.all([call('GET_ROLES'), call('GET_QUOTA').catch(() => null)]);
      const configs = new Map(((quota && quota.get_quota.status.configs) || []).map(c => [c.role, c]));
      const rows = (roles.get_roles.roles || []).map(r => ({...r, quota: configs.get(r.name)}));
      table.setRows(rows);
      note.textContent = `read at ${new Date().toLocaleTimeString([], {hour12: false})}`;
      if (route.id) showRole(rows.find(r => r.name === route.id));
    } catch (error) {
      note.textContent = error.message;
    }
  }

  function showRole(role) {
    if (!role) return clear(detail, h('p', {class: 'muted'}, `No role ${route.id}.`));
    clear(detail, keyValues([
      ['Weight', String(role.weight)],
      ['Allocated', formatResources(role.resources || [])],
      ['Quota guarantee', quotaText(role.quota, 'guarantees') || 'none'],
      ['Quota limit', quotaText(role.quota, 'limits') || 'none'],
      ['Frameworks', (role.frameworks || []).map(f => [idLink('frameworks', f.value, store.frameworkName(f.value)), ' '])],
      ['Offers', h('a', {href: `#/offers?role=${encodeURIComponent(role.name)}`}, 'offer timeline of this role')],
    ]), section('Why pending', whyNot));
    // The allocator explains per framework; the role's page shows what each of its frameworks hears about it.
    clear(whyNot, (role.frameworks || []).map(f => {
      const item = h('div', {}, idLink('frameworks', f.value, store.frameworkName(f.value)), ': asking…');
      explain(f.value).then(reasons => clear(item, idLink('frameworks', f.value, store.frameworkName(f.value)),
        whyNotList(reasons.filter(r => r.role === role.name))),
      error => clear(item, idLink('frameworks', f.value), ' ', h('span', {class: 'error'}, error.message)));
      return item;
    }));
  }
  const whyNot = h('div', {id: 'role-why-not'});

  load();
  return {};
}

function quotaText(config, key) {
  if (!config || !config[key]) return '';
  return Object.entries(config[key]).map(([name, v]) => `${name} ${v.value}`).join(', ');
}
