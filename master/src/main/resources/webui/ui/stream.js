// The master's event stream (operator API SUBSCRIBE) read with fetch streaming, and the way back
// to a leader when it drops: retry here; if this master is up but no longer leads, load the page
// through it (its / answers 307 to the leader's /, the #route is kept); if it is down, try the
// other masters this browser has seen lead.

import {RecordIOParser} from './recordio.js';

const KNOWN_MASTERS = 'mezzo.masters';

export class EventStream {
  /**
   * @param onEvent called with each parsed master.Event
   * @param onStatus called with {state: 'connecting'|'live'|'reconnecting', detail}
   */
  constructor(onEvent, onStatus) {
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.attempt = 0;
    this.stopped = false;
  }

  start() {
    this.connect();
  }

  stop() {
    this.stopped = true;
    if (this.abort) this.abort.abort();
  }

  async connect() {
    this.abort = new AbortController();
    let subscribed = false;
    try {
      const response = await fetch('/api/v1', {
        method: 'POST',
        headers: {'Content-Type': 'application/json', 'Accept': 'application/json'},
        body: JSON.stringify({type: 'SUBSCRIBE'}),
        signal: this.abort.signal,
      });
      if (!response.ok) {
        throw new HttpError(response.status, await response.text());
      }
      const reader = response.body.getReader();
      const parser = new RecordIOParser(text => {
        const event = JSON.parse(text);
        if (event.type === 'SUBSCRIBED') {
          subscribed = true;
          this.attempt = 0;
          this.heartbeatSeconds = event.subscribed.heartbeat_interval_seconds || 15;
          this.onStatus({state: 'live'});
        }
        this.armWatchdog();
        this.onEvent(event);
      });
      for (;;) {
        const {done, value} = await reader.read();
        if (done) break;
        parser.push(value);
      }
      throw new Error('the master closed the stream');
    } catch (error) {
      clearTimeout(this.watchdog);
      if (this.stopped) return;
      await this.recover(error, subscribed);
    }
  }

  /** No event (not even a heartbeat) for three intervals: the connection is dead though not closed. */
  armWatchdog() {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => this.abort.abort(), 3000 * (this.heartbeatSeconds || 15));
  }

  async recover(error, wasSubscribed) {
    this.attempt++;
    const why = error instanceof HttpError ? `${error.status} ${error.body}` : error.message;
    this.onStatus({state: 'reconnecting', detail: `attempt ${this.attempt}: ${why}`});
    await delay(Math.min(5000, 250 * 2 ** Math.min(this.attempt, 5)));
    if (!(error instanceof HttpError) && !wasSubscribed) {
      // The request itself failed: this master is down, or it redirected us to a leader elsewhere
      // (a cross-origin POST the browser refuses). Find out which from its /health.
      if (await reachable('/health', {})) {
        if (this.attempt > 1) {
          location.replace('/' + location.hash);
          return;
        }
      } else {
        for (const master of knownMasters()) {
          if (master !== location.host && await reachable(`//${master}/health`, {mode: 'no-cors'})) {
            this.onStatus({state: 'reconnecting', detail: `moving to ${master}`});
            location.replace(`//${master}/${location.hash}`);
            return;
          }
        }
      }
    }
    this.connect();
  }
}

class HttpError extends Error {
  constructor(status, body) {
    super(`${status} ${body}`);
    this.status = status;
    this.body = body;
  }
}

async function reachable(url, options) {
  try {
    const response = await fetch(url, {...options, cache: 'no-store'});
    return response.type === 'opaque' || response.ok;
  } catch (e) {
    return false;
  }
}

function delay(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** Remembers a master this browser has seen lead, for when the one it uses goes away. */
export function rememberMaster(hostPort) {
  const masters = knownMasters().filter(m => m !== hostPort);
  masters.unshift(hostPort);
  localStorage.setItem(KNOWN_MASTERS, JSON.stringify(masters.slice(0, 9)));
}

export function knownMasters() {
  try {
    return JSON.parse(localStorage.getItem(KNOWN_MASTERS)) || [];
  } catch (e) {
    return [];
  }
}
