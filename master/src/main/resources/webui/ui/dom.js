// Small DOM helpers: element building, links to objects, copy buttons, times.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function copyButton(text) {
  return h('button', {
    class: 'copy', title: 'Copy ' + text, 'data-copy': text,
    onclick: async event => {
      event.preventDefault();
      try {
        await navigator.clipboard.writeText(text);
        event.target.textContent = '✓';
      } catch (e) {
        // Without clipboard access (plain http on another host), select the id for Ctrl+C.
        const range = document.createRange();
        range.selectNodeContents(event.target.previousSibling || event.target);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
      }
      setTimeout(() => { event.target.textContent = 'copy'; }, 1000);
    },
  }, 'copy');
}

/** A link to an object's page with its id and a copy button. */
export function idLink(kind, id, label = id) {
  if (!id) return '';
  return h('span', {class: 'id'}, h('a', {href: `#/${kind}/${encodeURIComponent(id)}`, class: `link-${kind}`}, label),
    copyButton(id));
}

export function age(seconds) {
  if (seconds === undefined || !isFinite(seconds)) return '?';
  seconds = Math.max(0, seconds);
  if (seconds < 60) return `${Math.floor(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${Math.floor(seconds % 60)}s`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ${Math.floor(seconds % 3600 / 60)}m`;
  return `${Math.floor(seconds / 86400)}d ${Math.floor(seconds % 86400 / 3600)}h`;
}

export function clock(seconds) {
  if (!seconds) return '';
  return new Date(seconds * 1000).toLocaleTimeString([], {hour12: false});
}

export function dateTime(seconds) {
  if (!seconds) return '';
  return new Date(seconds * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function timeInfo(t) {
  return t && t.nanoseconds !== undefined ? Number(t.nanoseconds) / 1e9 : undefined;
}

export function badge(text, kind = text) {
  return h('span', {class: `badge badge-${String(kind).toLowerCase()}`}, text);
}

export function section(title, ...children) {
  return h('section', {}, h('h2', {}, title), ...children);
}

export function keyValues(pairs) {
  return h('dl', {class: 'kv'}, pairs.filter(p => p).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}
