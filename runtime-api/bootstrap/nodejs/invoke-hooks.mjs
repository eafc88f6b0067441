// Per-invocation leak tracking (design §5), on only when the emulator's settings say so (unless
// `--leaks off`; see runtime-settings.mjs); otherwise every export is a no-op / direct call and no hook is installed.
//
// How: the handler runs inside an AsyncLocalStorage whose store is `{inv, site}`: the invocation
// ({rid, answered}) and the place in the function's code that started the work now running, so
// every async resource knows both (the store at its `init`). Two hooks, installed once for the
// process's life: an async_hooks hook that sees only handles (timers, sockets, servers, child
// processes, watchers; its promise tracking off) records those created in the running invocation
// with their creating stack, and V8's promise hooks (node:v8) record the promises of library calls
// made from the function's own code until they settle. After the outcome was posted,
// leak-rules.mjs decides what of it is still running work (see there), and the records are dropped.
//
// Cost: resources made outside an invocation return after one lookup; a promise, after a flag
// test or a WeakSet lookup, except in the function's own code ("user segments": the handler's
// synchronous run and callbacks of what its code created), where its creating frames are captured
// (not formatted) to tell a call into a library from the function's own promise and to carry the
// call's site to the work it starts. No async id per promise, no context pushed around each
// reaction (as async_hooks' promise tracking does), no `destroy` hook.

import { captureFrames, classify } from './call-sites.mjs';
import { setLeakOrigin } from './log-patch.mjs';
import { settings } from './runtime-settings.mjs';

export const enabled = settings.leaks === true;

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
 * Called once per invocation, after its response/error was posted, before the next GET /next:
 * done(report), the leak report (JSON text for POST .../leaks) or undefined when nothing is pending.
 */
export let invocationFinished = (_rid, done) => done(undefined);

/** Extra headers for the next GET /next; undefined = none (the report goes on its own POST). */
export function nextRequestHeaders() {
  return undefined;
}

if (enabled) install();

function install() {
  const { createHook, AsyncLocalStorage, executionAsyncId } = process.getBuiltinModule('node:async_hooks');
  const { promiseHooks } = process.getBuiltinModule('node:v8');
  const { fileURLToPath } = process.getBuiltinModule('node:url');
  const { dirname } = process.getBuiltinModule('node:path');

  const RUNTIME_DIR = dirname(fileURLToPath(import.meta.url)) + '/';
  // Layers (at /opt in a sandbox, as on Lambda) are dependencies, unless the code itself is there.
  const LIBRARY_DIRS = (process.env.LAMBDA_TASK_ROOT ?? '').startsWith('/opt/') ? [] : ['/opt/'];
  const MAX_CAPTURES = 1000; // per invocation: beyond, calls are no longer told apart (bounded cost)
  // Frames captured: a resource may be made deep in Node's or a library's code, below async_hooks'
  // three frames (the maker a few frames down at most). A promise's maker is the first frame below
  // V8's hook (or the builtin it is in: `new Promise`, `.then`), after Node's runner of several
  // init hooks when another hook is installed (an async_hooks hook that tracks promises, Node 22's
  // AsyncLocalStorage); the function's call into a library a few more down. A library promise made
  // deeper inside a call of the function shares that call's site (the store).
  const RESOURCE_MAKER_FRAMES = 6; // async_hooks' three frames, Node's API (setTimeout, connect) and its caller
  const RESOURCE_FRAMES = 12;
  const MAKER_FRAMES = 3;
  const PROMISE_FRAMES = 8;
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
  };

  const als = new AsyncLocalStorage();
  let current; // the latest invocation: { rid, answered }
  let handlerStore; // its async context for the handler: { inv, site }
  let resources = []; // its timers, sockets, … in creation order: { type, kind, res, creator, site, origin, accepted }
  const servers = new Map(); // asyncId → record, for the connections a server accepts
  const calls = new Map(); // a library call's promise → { site, awaited }, until it settles
  // What the function's code made, whose callbacks run its code: resources (asyncIds) and promises.
  const userResources = new Set();
  let handlerPromise; // an async handler's own promise (most invocations' only one of the function's)
  let userPromises = new WeakSet(); // the function's other promises
  let userPromisesUsed = false;
  let running; // the promise whose reaction (a .then callback, an await's continuation) runs now
  let handlerRunning = false; // the handler's synchronous run is on the stack
  let handlerPromisePending = false; // an async handler was called and its promise is not made yet
  let lastCall = -1; // the callback (asyncId, or promise) in which a library call was last placed
  let captures = 0;

  /** The callback running now: a promise reaction, else the resource whose callback it is. */
  const segment = () => running ?? executionAsyncId();
  const isUserPromise = (promise) => promise === handlerPromise || (userPromisesUsed && userPromises.has(promise));
  const inUserCode = () =>
    handlerRunning || (running !== undefined ? isUserPromise(running) : userResources.size !== 0 && userResources.has(executionAsyncId()));

  /** Timers, sockets, servers, child processes, watchers (async_hooks; promises come from V8 below). */
  function init(asyncId, type, triggerAsyncId, resource) {
    const kind = KINDS[type];
    if (kind === undefined) return;
    const store = als.getStore();
    // A handle made by native code outside any JS context (a server's accepted connection)
    // belongs to the invocation of the resource that triggered it.
    const server = store === undefined ? servers.get(triggerAsyncId) : undefined;
    const inv = store?.inv ?? server?.inv;
    if (inv === undefined || inv !== current) return;
    let creator = 'user';
    let site = server?.site;
    if (server === undefined) {
      // Made by the function's code: a short capture reaches it. Made by a library inside a call
      // of the function's code: placed at that call (the store). Else look further down.
      ({ creator, site } = classify(captureFrames(init, RESOURCE_MAKER_FRAMES), false, RUNTIME_DIR, LIBRARY_DIRS));
      if (creator === 'library' && site === undefined && store?.site === undefined) {
        ({ creator, site } = classify(captureFrames(init, RESOURCE_FRAMES), false, RUNTIME_DIR, LIBRARY_DIRS));
      }
      if (creator === 'user') userResources.add(asyncId);
    }
    const rec = { inv, type, kind, res: resource, creator, site, origin: store?.site, accepted: server !== undefined };
    resources.push(rec);
    if (kind === 'server') servers.set(asyncId, rec);
  }

  const markUser = (promise) => {
    userPromises.add(promise);
    userPromisesUsed = true;
  };

  /** A promise is made (V8's hook): only one made while the function's own code runs is looked at. */
  function promiseInit(promise, parent) {
    if (!inUserCode()) return;
    if (handlerPromisePending) {
      // An async handler's own promise: made first as it is called, before any of its code runs.
      handlerPromisePending = false;
      handlerPromise = promise;
      return;
    }
    // Chained (an await or .then: its parent is the promise it waits on) on one of the function's
    // own promises: the function's own too, most surely; no frames needed.
    if (parent !== undefined && isUserPromise(parent)) return markUser(promise);
    // A new chain (an async function's or `new Promise`) while a library call placed in this
    // callback runs: the library's own. (One of the function's own is recognised at its await.)
    const seg = segment();
    if (parent === undefined && lastCall === seg) return;
    const store = als.getStore();
    if (store === undefined || store.inv !== current || ++captures > MAX_CAPTURES) return;
    // Most promises made here are the function's own: a short capture tells; a library's promise
    // needs a longer one, to reach the function's call into it, unless a call into a library was
    // placed already in this same callback: the promises a library makes as it runs share its site.
    let { creator, site } = classify(captureFrames(promiseInit, MAKER_FRAMES), true, RUNTIME_DIR, LIBRARY_DIRS);
    if (creator === 'library' && site === undefined) {
      if (lastCall === seg) return;
      ({ creator, site } = classify(captureFrames(promiseInit, PROMISE_FRAMES), true, RUNTIME_DIR, LIBRARY_DIRS));
    }
    if (creator === 'user') {
      markUser(promise); // an await or .then of the function's code: its continuation is too
      const call = parent === undefined ? undefined : calls.get(parent);
      if (call !== undefined) call.awaited = true;
    } else if (site !== undefined) {
      calls.set(promise, { site, awaited: false });
      lastCall = seg;
      // The work this call starts (its timers, sockets, later promises) carries its site.
      if (site !== store.site) als.enterWith({ inv: store.inv, site });
    }
  }

  // async_hooks only for the handles: its promise tracking (an async id per promise, a context
  // pushed and popped around every reaction) is work this tracker does not need. `trackPromises`
  // where Node has it (after 24.11), else the internal flag it sets; where neither, the hook
  // also sees promises and ignores them (KINDS), the same answers at a higher cost.
  const hook = createHook({ init, trackPromises: false });
  for (const s of Object.getOwnPropertySymbols(hook)) if (s.description === 'kNoPromiseHook') hook[s] = true;
  hook.enable();
  promiseHooks.createHook({
    init: promiseInit,
    before: (promise) => {
      running = promise;
    },
    after: () => {
      running = undefined;
    },
    settled: (promise) => {
      if (calls.size !== 0) calls.delete(promise);
    },
  });

  setLeakOrigin(() => {
    const inv = als.getStore()?.inv;
    if (inv === undefined) return undefined;
    return inv !== current || inv.answered ? inv.rid : undefined;
  });

  const forget = () => {
    // (Only what was used: this runs once per invocation, and usually nothing was.)
    if (resources.length) resources = [];
    if (servers.size) servers.clear();
    if (calls.size) calls.clear();
    if (userResources.size) userResources.clear();
    handlerPromise = undefined;
    if (userPromisesUsed) {
      userPromises = new WeakSet();
      userPromisesUsed = false;
    }
    lastCall = -1;
    captures = 0;
  };

  invocationStarted = (rid) => {
    forget();
    current = { rid, answered: false };
    handlerStore = { inv: current, site: undefined };
  };
  // The handler runs in a context made from the empty one, which is put back exactly afterwards:
  // `als.run` would copy the invocation's context to restore the one before it (a Map each time).
  const outside = AsyncLocalStorage.snapshot();
  const enterInvocation = (handler, event, context, callback) => {
    als.enterWith(handlerStore);
    return handler(event, context, callback);
  };
  let asyncHandler; // the handler last called, and whether it is an async function
  let isAsyncHandler = false;
  runHandler = (handler, event, context, callback) => {
    if (handler !== asyncHandler) {
      asyncHandler = handler;
      isAsyncHandler = handler[Symbol.toStringTag] === 'AsyncFunction';
    }
    handlerRunning = true;
    handlerPromisePending = isAsyncHandler;
    try {
      return outside(enterInvocation, handler, event, context, callback);
    } finally {
      handlerRunning = false;
      handlerPromisePending = false;
    }
  };
  invocationAnswered = () => {
    if (current) current.answered = true;
  };
  untracked = (fn) => als.exit(fn);
  // What decides the report is loaded when the first report is made, off the cold start's path.
  let report;
  const reportOf = (inv) => {
    const { factsOf, leakEntries } = report;
    const live = [];
    for (const rec of resources) {
      const facts = factsOf(rec);
      if (facts !== undefined) live.push({ ...facts, creator: rec.creator, site: rec.site, origin: rec.origin });
    }
    const leaks = leakEntries(live, [...calls.values()]);
    // Each invocation's leaks are reported once (bounded memory).
    forget();
    return leaks.length ? JSON.stringify({ requestId: inv.rid, leaks }) : undefined;
  };
  invocationFinished = (rid, done) => {
    const inv = current;
    if (inv === undefined || inv.rid !== rid) return done(undefined);
    inv.answered = true;
    // No work pending: nothing to decide (the common case, and no module to load for it).
    if (resources.length === 0 && calls.size === 0) return done(undefined);
    if (report !== undefined) return done(reportOf(inv));
    Promise.all([import('./leak-facts.mjs'), import('./leak-rules.mjs')]).then(([facts, rules]) => {
      report = { factsOf: facts.factsOf, leakEntries: rules.leakEntries };
      done(reportOf(inv));
    });
  };
}
