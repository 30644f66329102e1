// A sortable, filterable, virtually scrolled table: only the rows in view are in the DOM, so
// 10,000 rows scroll as smoothly as 10.

import {h, clear} from './dom.js';

const ROW_HEIGHT = 30;
const OVERSCAN = 8;
// One collator for every comparison: localeCompare with options builds one per call, which at
// 10,000 rows made a sort take hundreds of milliseconds.
const COLLATOR = new Intl.Collator(undefined, {numeric: true});

export class VirtualTable {
  /**
   * @param columns [{label, value: row => sortable/filterable value, render?: row => node|string, width?}]
   * @param options {id, height (px), sort: {column, descending}, filter (initial text), onFilter(text), empty}
   */
  constructor(columns, options = {}) {
    this.columns = columns;
    this.options = options;
    this.rows = [];
    this.view = [];
    this.sort = options.sort || {column: 0, descending: false};
    this.filterText = options.filter || '';
    const template = columns.map(c => c.width || 'minmax(6em, 1fr)').join(' ');
    this.filterInput = h('input', {
      type: 'search', class: 'filter', placeholder: 'Filter…', value: this.filterText,
      oninput: () => {
        this.filterText = this.filterInput.value;
        if (options.onFilter) options.onFilter(this.filterText);
        this.refresh();
      },
    });
    this.count = h('span', {class: 'count'});
    this.header = h('div', {class: 'vt-row vt-head', style: `grid-template-columns: ${template}`},
      columns.map((c, i) => h('div', {class: 'vt-cell', onclick: () => this.sortBy(i)}, c.label)));
    this.spacer = h('div', {class: 'vt-spacer'});
    this.body = h('div', {class: 'vt-body', style: `height: ${options.height || 480}px`}, this.spacer);
    this.body.addEventListener('scroll', () => this.paint());
    this.template = template;
    this.el = h('div', {class: 'vt', id: options.id}, h('div', {class: 'vt-tools'}, this.filterInput, this.count),
      this.header, this.body);
  }

  sortBy(i) {
    const flip = this.sort.column === i;
    this.sort = {column: i, descending: flip ? !this.sort.descending : false};
    // The same column the other way: the sorted rows reversed, not sorted again.
    this.sorted = flip && this.sorted ? this.sorted.slice().reverse() : null;
    this.refresh();
  }

  setRows(rows) {
    this.rows = rows;
    this.texts = null;
    this.sorted = null;
    this.refresh();
  }

  /**
   * Sets the rows from rows() only when key differs from the last one: a page passes the store's
   * versions of what its rows show, so that events about other things (offers, mostly) do not
   * re-filter and re-sort 10,000 rows every frame.
   */
  rowsFrom(key, rows) {
    if (key === this.rowsKey) return;
    this.rowsKey = key;
    this.setRows(rows());
  }

  /** Each row's text as the filter searches it, lower case, computed once per set of rows. */
  searchText(row) {
    if (!this.texts) this.texts = new Map();
    let text = this.texts.get(row);
    if (text === undefined) {
      text = this.columns.map(c => String(c.value(row) ?? '')).join('\u0000').toLowerCase();
      this.texts.set(row, text);
    }
    return text;
  }

  /**
   * The rows sorted once per set of rows and sort order; a keystroke in the filter only filters
   * them (the sort was most of a keystroke's time at 10,000 rows), and a needle that grows filters
   * what the shorter one left.
   */
  refresh() {
    if (!this.sorted) {
      const column = this.columns[this.sort.column];
      const sign = this.sort.descending ? -1 : 1;
      this.sorted = this.rows.map(row => [column.value(row), row]).sort(([a], [b]) => sign * compare(a, b))
        .map(([, row]) => row);
    }
    const needle = this.filterText.trim().toLowerCase();
    let view = this.sorted;
    if (needle) {
      const narrower = this.filtered && this.filtered.from === this.sorted && needle.includes(this.filtered.needle);
      view = (narrower ? this.filtered.view : this.sorted).filter(row => this.searchText(row).includes(needle));
      this.filtered = {from: this.sorted, needle, view};
    } else {
      this.filtered = null;
    }
    this.view = view;
    this.count.textContent = needle ? `${view.length} of ${this.rows.length}` : `${this.rows.length}`;
    [...this.header.children].forEach((cell, i) => {
      cell.className = 'vt-cell' + (i === this.sort.column ? (this.sort.descending ? ' sorted-desc' : ' sorted-asc') : '');
    });
    this.spacer.style.height = `${view.length * ROW_HEIGHT}px`;
    // As tall as the rows need, up to the table's height; then it scrolls.
    this.body.style.height = `${Math.min(this.options.height || 480, Math.max(view.length, 2) * ROW_HEIGHT + 4)}px`;
    this.painted = null;
    this.paint();
    if (!this.marked && this.rows.length) {
      // The first render with data, once per table: what a time-to-interactive measurement reads.
      this.marked = true;
      performance.mark(`table-rendered:${this.options.id}`, {detail: {rows: this.rows.length}});
    }
  }

  paint() {
    const first = Math.max(0, Math.floor(this.body.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.view.length, first + Math.ceil((this.body.clientHeight || 480) / ROW_HEIGHT) + 2 * OVERSCAN);
    const key = `${first}:${last}`;
    if (this.painted === key) return;
    this.painted = key;
    const rows = [];
    for (let i = first; i < last; i++) {
      const row = this.view[i];
      rows.push(h('div', {class: 'vt-row', style: `top: ${i * ROW_HEIGHT}px; grid-template-columns: ${this.template}`},
        this.columns.map(c => h('div', {class: 'vt-cell'}, c.render ? c.render(row) : String(c.value(row) ?? '')))));
    }
    if (!this.view.length && this.options.empty) rows.push(h('div', {class: 'vt-empty'}, this.options.empty));
    clear(this.spacer, rows);
  }
}

function compare(a, b) {
  if (a === b) return 0;
  if (a === undefined || a === null) return 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return COLLATOR.compare(String(a), String(b));
}
