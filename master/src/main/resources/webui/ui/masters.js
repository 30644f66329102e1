// The masters of the cluster: GET /masters on any master lists them (from the leader election) with
// the one that leads, and says what the master answering is (leading, recovering, standby). The
// page reads it when it loads and after each reconnect, for the overview; after losing its stream
// it asks every master it knows, to find the one that leads now. Asking another master is a
// cross-origin GET that the masters allow for their own cluster's origins only.

const KNOWN = 'mezzo.masters';
const ASK_TIMEOUT_MS = 2000;

/** One master's GET /masters (this page's own master when address is empty); null when it does not answer. */
export async function ask(address) {
  const url = address ? `${location.protocol}//${address}/masters` : '/masters';
  try {
    const response = await fetch(url, {cache: 'no-store', signal: AbortSignal.timeout(ASK_TIMEOUT_MS)});
    return response.ok ? await response.json() : null;
  } catch (e) {
    return null;
  }
}

/** Whether anything answers at address, when its answer cannot be read (another origin, no CORS). */
export async function answers(address) {
  try {
    await fetch(`${location.protocol}//${address}/health`, {mode: 'no-cors', cache: 'no-store', signal: AbortSignal.timeout(ASK_TIMEOUT_MS)});
    return true;
  } catch (e) {
    return false;
  }
}

/**
 * Asks this page's master, then every master it lists or this browser has seen, at once.
 * @return {own, masters: [{address, leader, reachable, state, own}]}: own is this page's master's
 *     answer (null when it is gone); leader is the election's view of whoever answered.
 */
export async function survey() {
  const own = await ask('');
  const addresses = new Set(known());
  for (const m of (own && own.masters) || []) addresses.add(m.address);
  if (own) addresses.delete(own.self);
  const others = await Promise.all([...addresses].map(async address => ({address, answer: await ask(address)})));
  const answered = [...(own ? [{address: own.self, answer: own, own: true}] : []), ...others];
  // Who leads, in the view of the master that answered first among those that lead themselves, else of any.
  const views = answered.filter(a => a.answer).map(a => a.answer);
  const view = views.find(v => v.state === 'leading') || views[0];
  const leader = view && view.leader;
  const masters = answered.map(({address, answer, own: mine}) => ({
    address, own: !!mine, reachable: !!answer, state: answer ? answer.state : undefined,
    leader: answer ? answer.state === 'leading' || answer.state === 'recovering' : address === leader,
  }));
  remember(masters.map(m => m.address));
  return {own, masters};
}

/** The master that leads, among those that answered: one that says it leads, else one that is recovering. */
export function leading(surveyed) {
  const byState = state => surveyed.masters.find(m => m.reachable && m.state === state);
  return byState('leading') || byState('recovering');
}

function remember(addresses) {
  const all = [...new Set([...addresses, ...known()])].slice(0, 9);
  localStorage.setItem(KNOWN, JSON.stringify(all));
}

/** Masters this browser has seen listed, for when the one it uses goes away. */
export function known() {
  try {
    return JSON.parse(localStorage.getItem(KNOWN)) || [];
  } catch (e) {
    return [];
  }
}
