// The master's event stream (operator API SUBSCRIBE) read with fetch streaming, and the way back
// to a leader when it drops. The page stays on one master's origin while that master leads; when
// the stream drops it asks the masters it knows (masters.js) which one leads now: its own master
// again (it resubscribes), another (it loads the page there, keeping the #route), or none yet (it
// says so and asks again). Loading the page from the new leader, rather than calling it from the
// old origin, keeps every API call same-origin and makes a reload work after the old master died.

import {RecordIOParser} from './recordio.js';
import {survey, leading, known, answers} from './masters.js';

/** Attempts after which a master that answers but cannot be read (the page's origin is not one of the masters' addresses) is tried anyway. */
const BLIND_AFTER = 5;

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
          // When the whole state has arrived and is parsed: what a time-to-interactive measurement splits on.
          performance.mark('subscribed', {detail: {bytes: text.length}});
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
    if (wasSubscribed) this.lost = true;
    const why = error instanceof HttpError ? `${error.status} ${error.body}` : error.message;
    const lost = this.lost ? 'leader lost, reconnecting…' : 'reconnecting…';
    this.onStatus({state: 'reconnecting', detail: `${lost} (attempt ${this.attempt}: ${why})`});
    await this.findLeader(lost);
  }

  /** Asks the masters which one leads now, until one does: reconnects here, or moves the page there. */
  async findLeader(lost) {
    await delay(Math.min(2000, 250 * 2 ** Math.min(this.attempt - 1, 3)));
    if (this.stopped) return;
    const surveyed = await survey();
    if (this.onMasters) this.onMasters(surveyed);
    const leader = leading(surveyed);
    if (leader && leader.own) {
      this.connect();
    } else if (leader) {
      this.moveTo(leader.address);
    } else if (surveyed.own && surveyed.own.leader && surveyed.own.leader !== surveyed.own.self
        && this.attempt >= BLIND_AFTER && await answers(surveyed.own.leader)) {
      // This master names a leader that is up but that this page cannot ask (the page's origin is
      // not one of the masters' addresses, so no CORS): this master's / sends the browser there.
      location.replace('/' + location.hash);
    } else if (surveyed.masters.every(m => !m.reachable) && this.attempt >= BLIND_AFTER
        && await this.moveBlind(surveyed)) {
      return;
    } else {
      const reachable = surveyed.masters.filter(m => m.reachable).length;
      this.onStatus({state: 'reconnecting', detail: `${lost} no master leads yet `
        + `(${reachable} of ${surveyed.masters.length} masters answer)`});
      this.attempt++;
      await this.findLeader(lost);
    }
  }

  /** Loads the page from the master at address, keeping the #route and saying where it came from. */
  moveTo(address) {
    this.onStatus({state: 'reconnecting', detail: `leader lost, moving to the new leader ${address}…`});
    this.stop();
    location.replace(`${location.protocol}//${address}/?from=${encodeURIComponent(location.host)}${location.hash}`);
  }

  /**
   * No master can be read (the page's master is gone, and its origin is not one the others allow):
   * the first that answers at all gets the page; its / sends the browser on to its leader.
   */
  async moveBlind(surveyed) {
    for (const address of [...new Set([...surveyed.masters.map(m => m.address), ...known()])]) {
      if (address !== location.host && await answers(address)) {
        this.moveTo(address);
        return true;
      }
    }
    return false;
  }
}

class HttpError extends Error {
  constructor(status, body) {
    super(`${status} ${body}`);
    this.status = status;
    this.body = body;
  }
}

function delay(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}
