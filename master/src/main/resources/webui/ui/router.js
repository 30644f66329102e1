// A hash router: "#/tasks/ID?x=1" → route {page: 'tasks', id: 'ID', query: {x: '1'}}. The hash
// is the state, so reload, deep links and the back button all work.

export function parse(hash = location.hash) {
  const text = hash.replace(/^#\/?/, '');
  const [path, search = ''] = text.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return {page: parts[0] || 'overview', id: parts[1], query: Object.fromEntries(new URLSearchParams(search))};
}

export function href(page, id, query = {}) {
  const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== '')).toString();
  return `#/${page}${id ? '/' + encodeURIComponent(id) : ''}${q ? '?' + q : ''}`;
}

/** Changes the query of the page shown without a new history entry (filters are not navigation). */
export function replaceQuery(query) {
  const route = parse();
  history.replaceState(null, '', href(route.page === 'overview' && !location.hash ? '' : route.page, route.id, query));
}

export function onRoute(handler) {
  addEventListener('hashchange', () => handler(parse()));
  handler(parse());
}
