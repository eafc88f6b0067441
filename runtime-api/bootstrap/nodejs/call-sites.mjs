// Where an async resource was created, for leak reports: the stack's frames (structured, not
// formatted), each mapped through the bundle's source map when there is one, and who made the
// resource: the function's own code ('user') or a dependency / Node's bundled libraries ('library').

const { fileURLToPath } = process.getBuiltinModule('node:url');
const { findSourceMap } = process.getBuiltinModule('node:module');

const asCallSites = (_, frames) => frames;

/**
 * Structured frames of the current stack, at most `depth`, above `above` (a function on the stack),
 * or [] when the stack cannot be read. Never formats (that is the expensive part of a stack trace);
 * the cost grows with `depth`.
 */
export function captureFrames(above, depth) {
  const holder = {};
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  Error.prepareStackTrace = asCallSites;
  Error.stackTraceLimit = depth;
  try {
    Error.captureStackTrace(holder, above);
    const frames = holder.stack;
    return Array.isArray(frames) ? frames : [];
  } catch {
    return [];
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

/**
 * `{ file, line, column }` in the source the user reads: a bundle's position mapped through its
 * source map to the original file (TypeScript, or a dependency inside the bundle), file:// URLs as
 * paths. Undefined when the URL is no file path.
 */
function mapped(file, line, column) {
  const entry = sourceMapOf(file)?.findEntry(line - 1, column - 1);
  if (entry && typeof entry.originalSource === 'string') {
    file = entry.originalSource;
    line = entry.originalLine + 1;
    column = entry.originalColumn + 1;
  }
  if (file.startsWith('file://')) {
    // (fileURLToPath parses a whole URL: too slow for every frame of every capture)
    file = file.includes('%') ? safePath(file) : file.slice(7);
    if (file === undefined) return undefined;
  }
  return { file, line, column };
}

function safePath(url) {
  try {
    return fileURLToPath(url);
  } catch {
    return undefined;
  }
}

const maps = new Map(); // file → SourceMap | null (a module's map never changes once loaded)
function sourceMapOf(file) {
  let map = maps.get(file);
  if (map === undefined) {
    try {
      map = findSourceMap(file) ?? null;
    } catch {
      map = null;
    }
    maps.set(file, map);
  }
  return map;
}

// Node's modules whose API makes the resource for its caller (setTimeout, net.connect, spawn,
// fs.watch…), and the hook machinery that calls our hooks: skipped when looking for who made it.
// Node's other modules (http's Agent, AbortSignal.timeout, undici) make resources of their own, as
// a library does.
const RESOURCE_APIS = /^node:(internal\/)?(timers|net|dgram|child_process|fs|tls|_tls_wrap|events|async_hooks|promise_hooks|stream_base_commons)\b/;

/**
 * Who is at a frame: 'node' (Node's API that makes the resource, skipped when looking for the
 * creator), 'runtime' (this runtime client), 'library' (node_modules, a layer, Node's own modules
 * acting for themselves) or 'user' (the function's own code).
 */
export function frameOwner(file, runtimeDir, libraryDirs) {
  if (file.startsWith('node:')) return RESOURCE_APIS.test(file) ? 'node' : 'library';
  if (!file.startsWith('/')) return 'node';
  if (file.startsWith(runtimeDir)) return 'runtime';
  if (file.includes('/node_modules/')) return 'library';
  for (const dir of libraryDirs) if (file.startsWith(dir)) return 'library';
  return 'user';
}

/**
 * Who created a resource and the first place in the function's own code on the way there:
 * `{ creator: 'user' | 'library', site: 'file:line:col' | undefined }`. The creator is the first
 * frame that is not Node's own API code (for a promise, the first frame at all: a promise made by
 * Node's fs or http code is a call into a library like any other).
 */
export function classify(frames, isPromise, runtimeDir, libraryDirs) {
  let creator;
  for (const frame of frames) {
    const name = frame.getScriptNameOrSourceURL?.() ?? frame.getFileName?.();
    // Node's own frames need no position (the cheap, common case).
    const pos = typeof name !== 'string' || name === '' ? undefined : name.startsWith('node:') ? { file: name } : mapped(name, frame.getLineNumber(), frame.getColumnNumber());
    const owner = pos === undefined ? 'node' : frameOwner(pos.file, runtimeDir, libraryDirs);
    if (owner === 'runtime') break; // below the handler: the runtime's own frames
    if (creator === undefined) {
      if (owner === 'user') creator = 'user';
      else if (owner === 'library' || (isPromise && !isHookFrame(pos))) creator = 'library';
    }
    if (owner === 'user') return { creator, site: `${pos.file}:${pos.line}:${pos.column}` };
  }
  return { creator: creator ?? 'library', site: undefined };
}

/**
 * Node's hook machinery, which calls our hook from inside a promise's creation: async_hooks', or
 * the promise hooks' runner when more than one init hook is installed (`initAll`).
 */
function isHookFrame(pos) {
  return pos === undefined || pos.file.startsWith('node:internal/async_hooks') || pos.file === 'node:async_hooks' || pos.file === 'node:internal/promise_hooks';
}
