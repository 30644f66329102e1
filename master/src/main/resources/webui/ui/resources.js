// Resource arithmetic on protobuf-JSON Resource lists, as quantities per name: a scalar's value,
// or the number of values in a range or set (ports).

export function quantities(resources) {
  const out = {};
  for (const r of resources || []) add(out, quantity(r), r.name);
  return out;
}

function quantity(r) {
  if (r.scalar) return Number(r.scalar.value) || 0;
  if (r.ranges) return (r.ranges.range || []).reduce((n, x) => n + Number(x.end) - Number(x.begin) + 1, 0);
  if (r.set) return (r.set.item || []).length;
  return 0;
}

function add(into, value, name) {
  into[name] = (into[name] || 0) + value;
}

export function plus(a, b) {
  const out = {...a};
  for (const [name, value] of Object.entries(b)) add(out, value, name);
  return out;
}

export function addInto(into, b) {
  for (const [name, value] of Object.entries(b)) add(into, value, name);
  return into;
}

export function minus(a, b) {
  const out = {...a};
  for (const [name, value] of Object.entries(b)) out[name] = Math.max(0, (out[name] || 0) - value);
  return out;
}

export function formatQuantity(name, value) {
  if (value === undefined) return '0';
  if (name === 'mem' || name === 'disk') {
    return value >= 1024 ? `${round(value / 1024)} GiB` : `${round(value)} MiB`;
  }
  return String(round(value));
}

function round(x) {
  return Math.round(x * 100) / 100;
}

/** "cpus 1, mem 128 MiB, ports 2" */
export function formatResources(resources) {
  const q = Array.isArray(resources) ? quantities(resources) : resources;
  return Object.entries(q).map(([name, value]) => `${name} ${formatQuantity(name, value)}`).join(', ');
}

/** The names worth showing first, then the others in order. */
export function resourceNames(...sets) {
  const names = new Set();
  for (const s of sets) for (const name of Object.keys(s)) names.add(name);
  const first = ['cpus', 'mem', 'disk', 'gpus', 'ports'];
  return [...first.filter(n => names.has(n)), ...[...names].filter(n => !first.includes(n)).sort()];
}
