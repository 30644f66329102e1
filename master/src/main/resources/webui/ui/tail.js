// A live tail of a sandbox file through the agent's files API (/files/read), which the master
// serving this page passes on (base is /agents/<id>), so the page reads from its own origin.

import {h, clear} from './dom.js';
import {readFile} from './api.js';

const FIRST_BYTES = 32 * 1024;
const CHUNK = 64 * 1024;
const KEEP_CHARS = 256 * 1024;
const IDLE_MS = 1000;

export class Tail {
  constructor(base, path, name) {
    this.base = base;
    this.path = path;
    this.text = h('pre', {class: 'tail', id: `tail-${name}`});
    this.note = h('p', {class: 'muted'});
    const raw = `${base}/files/download?path=${encodeURIComponent(path)}`;
    this.el = h('div', {class: 'tail-box'}, h('h3', {}, name, ' ', h('a', {href: raw, target: '_blank'}, '(download)')),
      this.note, this.text);
    this.stopped = false;
  }

  async start() {
    try {
      const end = await readFile(this.base, this.path, -1, 0);
      if (end === null) {
        this.note.textContent = 'Not there (yet): the task has not written it, or its sandbox is gone.';
        if (!this.stopped) this.timer = setTimeout(() => this.start(), 2 * IDLE_MS);
        return;
      }
      this.offset = Math.max(0, Number(end.offset) - FIRST_BYTES);
      this.note.textContent = this.offset > 0 ? `(the last ${FIRST_BYTES / 1024} KiB, following)` : '(following)';
      this.follow();
    } catch (error) {
      this.failed(error);
    }
  }

  async follow() {
    if (this.stopped) return;
    try {
      const chunk = await readFile(this.base, this.path, this.offset, CHUNK);
      const data = chunk ? chunk.data : '';
      if (data) {
        this.offset = Number(chunk.offset) + new TextEncoder().encode(data).length;
        const atBottom = this.text.scrollTop + this.text.clientHeight >= this.text.scrollHeight - 4;
        this.text.textContent = (this.text.textContent + data).slice(-KEEP_CHARS);
        if (atBottom) this.text.scrollTop = this.text.scrollHeight;
      }
      this.timer = setTimeout(() => this.follow(), data ? 0 : IDLE_MS);
    } catch (error) {
      this.failed(error);
    }
  }

  failed(error) {
    clear(this.note, h('span', {class: 'error'}, error instanceof TypeError
      ? `The master did not answer (${error.message}); retrying.` : error.message));
    if (!this.stopped) this.timer = setTimeout(() => this.follow(), 5 * IDLE_MS);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
