// Host paths for the function's code in a namespace sandbox: the code runs from /var/task (as on
// Lambda: __filename, import.meta.url and fs see /var/task), but each of its modules is *named* by
// the file's path on the host (a `//# sourceURL=` comment added as it loads), so stack traces, the
// inspector's script URLs and leak locations show the path the user's editor opens, as they do under
// process isolation. The host path comes from the kernel's record of the bind mount
// (/proc/self/mountinfo); with no bind mount there (process isolation) nothing is installed.

const { readFileSync } = process.getBuiltinModule('node:fs');
const { pathToFileURL } = process.getBuiltinModule('node:url');
const { registerHooks } = process.getBuiltinModule('node:module');

/** mountinfo escapes space, tab, newline and backslash as \ooo. */
const unescape = (s) => s.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));

/**
 * The host directory bind-mounted at `mountPoint`, from mountinfo text: the mount's root within its
 * file system, placed under where that file system's own root (or a parent of it) is mounted.
 * Undefined when `mountPoint` is not a mount of a subdirectory (then its paths are the host's).
 */
export function hostPathOf(mountPoint, mountinfo) {
  const mounts = mountinfo
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const f = line.split(' ');
      return { device: f[2], root: unescape(f[3] ?? ''), at: unescape(f[4] ?? '') };
    });
  const target = mounts.findLast((m) => m.at === mountPoint);
  if (target === undefined || target.root === '/') return undefined;
  let best;
  for (const m of mounts) {
    if (m === target || m.device !== target.device || m.at === mountPoint) continue;
    const within = m.root === '/' ? target.root : target.root.startsWith(`${m.root}/`) ? target.root.slice(m.root.length) : undefined;
    if (within === undefined) continue;
    if (best === undefined || m.root.length > best.root.length) best = { root: m.root, path: (m.at === '/' ? '' : m.at) + within };
  }
  return best?.path;
}

/** The source with a sourceURL naming it `name`, or undefined when it names itself already. */
export function withSourceName(source, name) {
  const text = typeof source === 'string' ? source : Buffer.from(source).toString('utf8');
  // Generated code (a bundle) is named by its source map; a file that names itself keeps its name.
  if (/^\/\/# source(Mapping)?URL=/m.test(text.slice(-65536))) return undefined;
  return `${text}\n//# sourceURL=${name}\n`;
}

/**
 * Names the modules loaded from `taskRoot` by their host paths (ESM by file URL, CommonJS by path,
 * as Node names them), when `taskRoot` is a bind mount of another directory.
 */
export function installSourceNames(taskRoot) {
  if (typeof registerHooks !== 'function') return;
  let host;
  try {
    host = hostPathOf(taskRoot, readFileSync('/proc/self/mountinfo', 'utf8'));
  } catch {
    return;
  }
  if (host === undefined || host === taskRoot) return;
  const prefix = pathToFileURL(taskRoot).href + '/';
  const hostPrefix = pathToFileURL(host).href + '/';
  registerHooks({
    load(url, context, nextLoad) {
      const loaded = nextLoad(url, context);
      if (!url.startsWith(prefix) || loaded.source == null) return loaded;
      if (loaded.format !== 'module' && loaded.format !== 'commonjs') return loaded;
      const hostUrl = hostPrefix + url.slice(prefix.length);
      const name = loaded.format === 'module' ? hostUrl : decodeURIComponent(new URL(hostUrl).pathname);
      const source = withSourceName(loaded.source, name);
      return source === undefined ? loaded : { ...loaded, source };
    },
  });
}
