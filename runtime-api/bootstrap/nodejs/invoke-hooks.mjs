// Per-invocation leak tracking (design §5), on only when _EPHEMERA_LEAKS=1 (the emulator sets it
// unless `--leaks off`); otherwise every export is a no-op / direct call and no hook is installed.
//
// How: the handler runs inside an AsyncLocalStorage whose store is the invocation ({rid, answered}),
// so every async resource knows the invocation that created it (the store at its `init`). One
// async_hooks hook (enabled once, for the life of the process) records the resource kinds we care
// about while created in an invocation's context, and forgets them on `destroy` (timer fired or
// cleared, handle closed) or `promiseResolve`. After the invocation's outcome was posted, what is
// still recorded for it is its leak report, and the records are dropped. The hook stays enabled:
// switching V8's promise hooks on and off every invocation cost more (measured) than leaving them
// on and returning early outside an invocation. The same store attributes console output: a line
// written in the context of invocation N while M runs, or after N answered, is "leaked from N".
//
// Cost: stacks (12 frames: the first user frame is near the top) are captured, not formatted, only
// for non-promise resources, and formatted only when a leak is reported; resources created by the
// runtime itself (outside the store) return early.

import { setLeakOrigin } from './log-patch.mjs';

export const enabled = process.env._EPHEMERA_LEAKS === '1';

const NOOP = () => {};

/** Called once per invocation, just before the handler runs. */
export let invocationStarted = NOOP;
/** Calls handler(event, context, callback) in the invocation's async context. */
export let runHandler = (handler, event, context, callback) => handler(event, context, callback);
/** Called when the runtime is about to post the invocation's outcome (response or error). */
export let invocationAnswered = NOOP;
/** Runs fn outside any invocation's context (the runtime's own Runtime API traffic). */
export let untracked = (fn) => fn();
/**
 * Called once per invocation, after its response/error was posted, before the next GET /next.
 * Returns the leak report (JSON text for POST .../leaks) or undefined when nothing is pending.
 */
export let invocationFinished = NOOP;

/** Extra headers for the next GET /next; undefined = none (the report goes on its own POST). */
export function nextRequestHeaders() {
  return undefined;
}

if (enabled) install();

function install() {
  const { createHook, AsyncLocalStorage } = process.getBuiltinModule('node:async_hooks');
  const { fileURLToPath } = process.getBuiltinModule('node:url');
  const { dirname } = process.getBuiltinModule('node:path');

  const BOOTSTRAP_DIR = dirname(fileURLToPath(import.meta.url)) + '/';
  const KINDS = {
    __proto__: null,
    Timeout: 'timeout', // or 'interval', decided by _repeat when reported
    Immediate: 'immediate',
    TCPWRAP: 'socket',
    PIPEWRAP: 'socket',
    TLSWRAP: 'socket',
    UDPWRAP: 'socket',
    TCPSERVERWRAP: 'server',
    PIPESERVERWRAP: 'server',
    PROCESSWRAP: 'child-process',
    FSEVENTWRAP: 'file-watcher',
    STATWATCHER: 'file-watcher',
    PROMISE: 'promise',
  };

  const als = new AsyncLocalStorage();
  /** asyncId → {inv, type, kind, res (non-promise), trigger, site (captured stack holder)} */
  const live = new Map();
  let current; // the latest invocation's store
  let pending = 0; // records of `current` still live (so a clean invocation skips the scan)

  function init(asyncId, type, triggerAsyncId, resource) {
    const kind = KINDS[type];
    if (kind === undefined) return;
    // A handle made by native code outside any JS context (a server's accepted connection)
    // belongs to the invocation of the resource that triggered it.
    const inv = als.getStore() ?? (kind === 'promise' ? undefined : live.get(triggerAsyncId)?.inv);
    if (inv === undefined) return;
    if (kind === 'promise') {
      live.set(asyncId, { inv, type, kind, res: undefined, trigger: triggerAsyncId, site: undefined });
    } else {
      const site = {};
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 12;
      Error.captureStackTrace(site, init); // structured frames now, text only if ever read
      Error.stackTraceLimit = limit;
      live.set(asyncId, { inv, type, kind, res: resource, trigger: triggerAsyncId, site });
    }
    if (inv === current) pending++;
  }

  function forget(asyncId) {
    const rec = live.get(asyncId);
    if (rec === undefined) return;
    live.delete(asyncId);
    if (rec.inv === current) pending--;
  }

  // Enabled once for the process's life (see the header for why); outside an invocation init()
  // returns after one lookup.
  const hook = createHook({ init, destroy: forget, promiseResolve: forget });
  hook.enable();

  setLeakOrigin(() => {
    const inv = als.getStore();
    if (inv === undefined) return undefined;
    return inv !== current || inv.answered ? inv.rid : undefined;
  });

  invocationStarted = (rid) => {
    current = { rid, answered: false };
    pending = 0;
  };
  runHandler = (handler, event, context, callback) => als.run(current, handler, event, context, callback);
  invocationAnswered = () => {
    if (current) current.answered = true;
  };
  untracked = (fn) => als.exit(fn);
  invocationFinished = (rid) => {
    const inv = current;
    if (inv === undefined || inv.rid !== rid) return undefined;
    inv.answered = true;
    const body = pending > 0 ? report(inv) : undefined;
    // Each invocation's leaks are reported once: forget them all (bounded memory; later
    // destroy events, with the hook off, are not needed).
    live.clear();
    pending = 0;
    return body;
  };

  function report(inv) {
    const groups = new Map(); // kind + createdAt → entry
    const leaks = [];
    for (const rec of live.values()) {
      if (rec.inv !== inv || !stillPending(rec)) continue;
      let kind = rec.kind;
      if (kind === 'timeout' && rec.res?._repeat) kind = 'interval';
      const createdAt = siteOf(rec) ?? siteOf(live.get(rec.trigger)) ?? null;
      const key = kind + '\0' + createdAt;
      const group = groups.get(key);
      if (group) group.count++;
      else {
        const entry = { kind, count: 1, createdAt, detail: detailOf(kind, rec) };
        groups.set(key, entry);
        leaks.push(entry);
      }
    }
    pending = 0;
    return leaks.length ? JSON.stringify({ requestId: inv.rid, leaks }) : undefined;
  }

  /**
   * `destroy` reaches us a turn of the loop late (node batches it), so a timer that has just fired
   * or been cleared, or a handle just closed, may still be recorded: ask the object itself.
   */
  function stillPending(rec) {
    const res = rec.res;
    if (res === undefined) return true; // a promise: promiseResolve is synchronous
    if (rec.type === 'Timeout' || rec.type === 'Immediate') return res._destroyed !== true;
    const owner = ownerOf(res);
    return !(owner && typeof owner === 'object' && '_handle' in owner && owner._handle !== res);
  }

  /** file:line:col of the creating stack's top user frame (memoised), or undefined. */
  function siteOf(rec) {
    if (rec === undefined || rec.site === undefined) return undefined;
    if (rec.createdAt !== undefined) return rec.createdAt ?? undefined;
    let stack;
    try {
      stack = rec.site.stack;
    } catch {
      stack = undefined;
    }
    rec.createdAt = typeof stack === 'string' ? topUserFrame(stack) : null;
    return rec.createdAt ?? undefined;
  }

  const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/;
  function topUserFrame(stack) {
    let dependency = null;
    for (const line of stack.split('\n')) {
      const m = FRAME.exec(line);
      if (!m) continue;
      let file = m[1];
      if (file.startsWith('file://')) {
        try {
          file = fileURLToPath(file);
        } catch {
          continue;
        }
      }
      if (!file.startsWith('/') || file.startsWith(BOOTSTRAP_DIR)) continue;
      const where = `${file}:${m[2]}:${m[3]}`;
      if (!file.includes('/node_modules/')) return where;
      dependency ??= where;
    }
    return dependency;
  }

  function detailOf(kind, rec) {
    const res = rec.res;
    try {
      switch (kind) {
        case 'timeout':
          return `setTimeout ${res._idleTimeout} ms`;
        case 'interval':
          return `setInterval ${res._idleTimeout} ms`;
        case 'immediate':
          return 'setImmediate';
        case 'socket':
          return { TCPWRAP: 'TCP socket', PIPEWRAP: 'pipe', TLSWRAP: 'TLS socket', UDPWRAP: 'UDP socket' }[rec.type];
        case 'server':
          return rec.type === 'TCPSERVERWRAP' ? 'TCP server' : 'pipe server';
        case 'child-process': {
          const owner = ownerOf(res);
          const cmd = owner?.spawnargs?.join(' ');
          return `pid ${res.pid}${cmd ? ': ' + cmd.slice(0, 80) : ''}`;
        }
        case 'file-watcher':
          return rec.type === 'FSEVENTWRAP' ? 'fs.watch' : 'fs.watchFile';
        default:
          return 'pending promise';
      }
    } catch {
      return rec.type;
    }
  }

  /** The JS object (ChildProcess, Socket …) a native handle belongs to (node's owner_symbol). */
  function ownerOf(handle) {
    for (const s of Object.getOwnPropertySymbols(handle)) {
      if (s.description === 'owner_symbol') return handle[s];
    }
    return undefined;
  }
}
