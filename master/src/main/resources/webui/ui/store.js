// The model the pages read: the cluster as the master's event stream tells it. SUBSCRIBED brings
// the whole state; every later event changes it in place (maps by id, so 10,000 tasks stay cheap).
// Derived numbers are computed once per change, on first read.

import {quantities, addInto, minus} from './resources.js';

export const TERMINAL = new Set(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST',
  'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR']);
const MAX_OFFER_EVENTS = 20000;
const RATE_SECONDS = 600;
const HELD_SAMPLES = 500;

export class Store {
  constructor(now = () => Date.now() / 1000) {
    this.now = now;
    this.listeners = new Set();
    this.reset();
  }

  reset() {
    this.agents = new Map();
    this.frameworks = new Map();
    this.tasks = new Map();
    this.offers = new Map();
    this.offerEvents = [];
    this.rates = new Map();
    this.frameworkStats = new Map();
    this.version = 0;
    this.cache = {};
    // Per kind of object, bumped when any of that kind changes (see key()); never reset, so a key
    // taken before a new subscription differs from one taken after.
    this.versions = this.versions || {agents: 0, frameworks: 0, tasks: 0, offers: 0};
  }

  bump(...kinds) {
    for (const kind of kinds) this.versions[kind]++;
  }

  /** A value that changes whenever any object of these kinds changes: what a table's rows depend on. */
  key(...kinds) {
    return kinds.map(kind => this.versions[kind]).join(':');
  }

  onChange(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed() {
    this.version++;
    this.cache = {};
    if (this.scheduled) return;
    this.scheduled = true;
    // At most one notification per frame however fast events arrive.
    requestAnimationFrame(() => {
      this.scheduled = false;
      for (const listener of this.listeners) listener(this);
    });
  }

  apply(event) {
    if (event.offer_event) {
      this.applyOffer(event.offer_event);
      this.bump('offers');
    } else {
      switch (event.type) {
        case 'SUBSCRIBED': this.load(event.subscribed.get_state || {}); this.bump('agents', 'frameworks', 'tasks', 'offers'); break;
        case 'TASK_ADDED': this.putTask(event.task_added.task); this.bump('tasks'); break;
        case 'TASK_UPDATED': this.updateTask(event.task_updated); this.bump('tasks'); break;
        case 'AGENT_ADDED': this.putAgent(event.agent_added.agent); this.bump('agents'); break;
        case 'AGENT_REMOVED': this.removeAgent(event.agent_removed.agent_id.value); this.bump('agents'); break;
        case 'FRAMEWORK_ADDED': this.putFramework(event.framework_added.framework); this.bump('frameworks', 'offers'); break;
        case 'FRAMEWORK_UPDATED': this.putFramework(event.framework_updated.framework); this.bump('frameworks', 'offers'); break;
        case 'FRAMEWORK_REMOVED': this.removeFramework(event.framework_removed.framework_info); this.bump('frameworks'); break;
        case 'HEARTBEAT': return;
        default: return;
      }
    }
    this.changed();
  }

  load(state) {
    // A new subscription (also after a failover) replaces the model but keeps the offer history
    // seen so far: the master resends its recent history, which the ids deduplicate.
    const {offerEvents, rates, frameworkStats} = this;
    this.reset();
    this.offerEvents = offerEvents;
    this.rates = rates;
    this.frameworkStats = frameworkStats;
    this.seenOfferEvents = new Map(offerEvents.map(e => [e.key, e]));
    const agents = state.get_agents || {};
    for (const agent of agents.agents || []) this.putAgent(agent);
    for (const info of agents.recovered_agents || []) {
      this.agents.set(info.id.value, {id: info.id.value, info, state: 'recovering', total: quantities(info.resources)});
    }
    const frameworks = state.get_frameworks || {};
    for (const f of frameworks.frameworks || []) this.putFramework(f);
    for (const f of frameworks.completed_frameworks || []) this.putFramework(f, true);
    const tasks = state.get_tasks || {};
    for (const key of ['tasks', 'unreachable_tasks', 'completed_tasks', 'pending_tasks', 'orphan_tasks']) {
      for (const t of tasks[key] || []) this.putTask(t);
    }
  }

  putAgent(agent) {
    const id = agent.agent_info.id.value;
    this.agents.set(id, {
      id, info: agent.agent_info, record: agent,
      state: agent.active === false ? 'inactive' : agent.deactivated ? 'deactivated' : 'active',
      total: quantities(agent.total_resources && agent.total_resources.length ? agent.total_resources
        : agent.agent_info.resources),
    });
  }

  removeAgent(id) {
    const agent = this.agents.get(id);
    if (agent) agent.state = 'removed';
  }

  putFramework(framework, completed = false) {
    const info = framework.framework_info;
    const id = info.id.value;
    this.frameworks.set(id, {
      id, info, record: framework, name: info.name,
      roles: info.roles && info.roles.length ? info.roles : [info.role || '*'],
      state: completed ? 'completed' : !framework.active ? 'inactive' : framework.connected ? 'active' : 'disconnected',
    });
    for (const offer of framework.offers || []) {
      if (!this.offers.has(offer.id.value)) {
        this.offers.set(offer.id.value, {
          id: offer.id.value, frameworkId: id, agentId: offer.agent_id.value, hostname: offer.hostname,
          role: offer.allocation_info ? offer.allocation_info.role : undefined,
          resources: quantities(offer.resources), created: undefined, seen: this.now(),
        });
      }
    }
  }

  removeFramework(info) {
    const framework = this.frameworks.get(info.id.value);
    if (framework) framework.state = 'completed';
  }

  putTask(task) {
    this.tasks.set(task.task_id.value, {...task, statuses: task.statuses || []});
  }

  updateTask({framework_id, status, state}) {
    const id = status.task_id.value;
    let task = this.tasks.get(id);
    if (!task) {
      task = {task_id: status.task_id, framework_id, agent_id: status.agent_id, name: id, statuses: [], resources: []};
      this.tasks.set(id, task);
    }
    task.state = state;
    task.statuses = [...task.statuses, status];
  }

  applyOffer(e) {
    const event = {
      kind: String(e.type).replace('OFFER_', ''),
      offerId: e.offer_id.value,
      frameworkId: e.framework_id && e.framework_id.value,
      agentId: e.agent_id && e.agent_id.value,
      role: e.role,
      time: e.timestamp || this.now(),
      resources: quantities(e.resources),
      taskIds: (e.task_ids || []).map(t => t.value),
      refuseSeconds: e.refuse_seconds,
      filtersGiven: e.filters_given,
      reason: e.reason,
      message: e.message,
      heldSeconds: e.held_seconds,
    };
    event.key = `${event.offerId}/${event.kind}`;
    const seen = this.seenOfferEvents && this.seenOfferEvents.get(event.key);
    if (seen) {
      // Resent history after a reconnect: known already; it only dates an offer the state listed.
      const offer = this.offers.get(seen.offerId);
      if (offer && seen.kind === 'CREATED' && offer.created === undefined) offer.created = seen.time;
      return;
    }
    if (this.seenOfferEvents) this.seenOfferEvents.set(event.key, event);
    this.offerEvents.push(event);
    if (this.offerEvents.length > MAX_OFFER_EVENTS) {
      const dropped = this.offerEvents.splice(0, this.offerEvents.length - MAX_OFFER_EVENTS);
      for (const d of dropped) this.seenOfferEvents && this.seenOfferEvents.delete(d.key);
    }
    this.count(event);
    if (event.kind === 'CREATED') {
      this.offers.set(event.offerId, {
        id: event.offerId, frameworkId: event.frameworkId, agentId: event.agentId, role: event.role,
        resources: event.resources, created: event.time, seen: this.now(),
      });
    } else {
      const offer = this.offers.get(event.offerId);
      if (offer) {
        // The created event says what was offered; the end event often does not repeat it.
        event.resources = Object.keys(event.resources).length ? event.resources : offer.resources;
        this.offers.delete(event.offerId);
      }
    }
  }

  count(event) {
    const second = Math.floor(event.time);
    let rate = this.rates.get(second);
    if (!rate) {
      rate = {created: 0, accepted: 0, declined: 0};
      this.rates.set(second, rate);
      for (const s of this.rates.keys()) {
        if (s < second - RATE_SECONDS) this.rates.delete(s); else break;
      }
    }
    const kind = event.kind.toLowerCase();
    if (kind in rate) rate[kind]++;
    if (!event.frameworkId) return;
    let stats = this.frameworkStats.get(event.frameworkId);
    if (!stats) {
      stats = {created: 0, accepted: 0, declined: 0, rescinded: 0, expired: 0, unfiltered: 0, held: []};
      this.frameworkStats.set(event.frameworkId, stats);
    }
    if (kind in stats) stats[kind]++;
    if (event.kind === 'DECLINED' && event.filtersGiven === false) stats.unfiltered++;
    if (event.heldSeconds !== undefined && event.kind !== 'CREATED') {
      stats.held.push(event.heldSeconds);
      if (stats.held.length > HELD_SAMPLES) stats.held.shift();
    }
  }

  memo(key, compute) {
    if (!(key in this.cache)) this.cache[key] = compute();
    return this.cache[key];
  }

  /** Per agent: what its running tasks take and what is offered of it, from the stream. */
  usage() {
    return this.memo('usage', () => {
      const allocated = new Map();
      const offered = new Map();
      for (const task of this.tasks.values()) {
        if (TERMINAL.has(task.state) || !task.agent_id) continue;
        const id = task.agent_id.value;
        allocated.set(id, addInto(allocated.get(id) || {}, quantities(task.resources)));
      }
      for (const offer of this.offers.values()) {
        offered.set(offer.agentId, addInto(offered.get(offer.agentId) || {}, offer.resources));
      }
      return {allocated, offered};
    });
  }

  /** Total / Allocated / Offered / Idle over the agents that are part of the cluster now. */
  totals() {
    return this.memo('totals', () => {
      const {allocated, offered} = this.usage();
      const total = {};
      const used = {};
      const offer = {};
      for (const agent of this.agents.values()) {
        if (agent.state === 'removed') continue;
        addInto(total, agent.total);
        addInto(used, allocated.get(agent.id) || {});
        addInto(offer, offered.get(agent.id) || {});
      }
      return {total, allocated: used, offered: offer, idle: minus(minus(total, used), offer)};
    });
  }

  countBy(values, key) {
    const out = {};
    for (const v of values) out[key(v)] = (out[key(v)] || 0) + 1;
    return out;
  }

  frameworkName(id) {
    const f = this.frameworks.get(id);
    return f ? f.name : id;
  }

  agentHost(id) {
    const a = this.agents.get(id);
    return a ? a.info.hostname : id;
  }
}

export function median(values) {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
