// What counts as a leak (pure; the facts come from leak-facts.mjs). Work an invocation left that will
// run code when the environment is thawed is a leak: a timer or interval the function set, a server,
// a child process, a watcher, a socket it opened and left open or with a request in flight, and a
// call into a library it did not wait for that is still running. What a library keeps for reuse
// once the function's call into it has finished is not: an idle keep-alive socket in a connection
// pool (node:http Agent, undici/fetch, database pools), the pool's own housekeeping timers.

/**
 * One resource's verdict: 'leak', 'ignore' or 'fold' (part of a pending call's work, reported with
 * it). `pendingSites` holds the sites of the library calls still pending.
 */
export function verdict(r, pendingSites) {
  if (r.stdio) return 'ignore'; // the runtime's own stdin/stdout/stderr
  const folded = r.creator === 'library' && r.origin !== undefined && pendingSites.has(r.origin);
  switch (r.kind) {
    case 'server':
    case 'child-process':
    case 'file-watcher':
      return 'leak';
    case 'socket':
      if (r.agent === 'idle') return 'ignore'; // parked in a node:http Agent's pool
      if (folded) return 'fold';
      if (r.agent === 'busy' || r.accepted) return 'leak';
      // A socket the function opened itself is its to close, unless it was unreferenced at rest
      // (how pools mark an idle connection); a library's socket at rest belongs to its pool.
      if (r.creator === 'user') return r.ref || r.writing ? 'leak' : 'ignore';
      return r.writing ? 'leak' : 'ignore';
    case 'timeout':
    case 'interval':
    case 'immediate':
      if (folded) return 'fold';
      return r.creator === 'user' ? 'leak' : 'ignore'; // a library's timer after its call finished: housekeeping
    default:
      return 'leak';
  }
}

/**
 * The report's entries from the live resources and the pending library calls, grouped by kind and
 * place: `[{ kind, count, createdAt, detail }]`, resources first in creation order, then calls.
 */
export function leakEntries(resources, calls) {
  const pendingSites = new Set(calls.map((c) => c.site));
  const entries = [];
  const groups = new Map();
  const add = (kind, createdAt, detail) => {
    const key = `${kind}\0${createdAt}`;
    const group = groups.get(key);
    if (group) group.count++;
    else {
      const entry = { kind, count: 1, createdAt: createdAt ?? null, detail };
      groups.set(key, entry);
      entries.push(entry);
    }
  };
  const held = new Map(); // call site → what its work holds
  for (const r of resources) {
    const v = verdict(r, pendingSites);
    if (v === 'leak') add(r.kind, r.site ?? r.origin, r.detail);
    else if (v === 'fold') {
      const list = held.get(r.origin) ?? [];
      if (!list.includes(r.detail)) list.push(r.detail);
      held.set(r.origin, list);
    }
  }
  // One entry per call site: a call's promise and the library's own promises made with it share it.
  const sites = new Map();
  for (const c of calls) sites.set(c.site, (sites.get(c.site) ?? false) || c.awaited);
  for (const [site, awaited] of sites) {
    const holds = held.get(site);
    const what = awaited ? 'awaited only by work left running' : 'not awaited';
    entries.push({ kind: 'promise', count: 1, createdAt: site, detail: `${what}, still pending${holds ? `, holding: ${holds.join(', ')}` : ''}` });
  }
  return entries;
}
