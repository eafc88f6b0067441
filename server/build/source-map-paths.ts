// A bundle's inline source map names the host's source files by absolute file:// URL. esbuild writes
// them relative to the bundle, which resolves right only where the bundle was built (the cache dir):
// run from /var/task in a namespace sandbox, `../../../home/me/app/src/x.ts` resolved against
// /var/task gave mangled paths. With absolute URLs, stack traces, leak locations and the debugger
// name the .ts file the user edits, under every isolation level.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const INLINE_MAP = '//# sourceMappingURL=data:application/json;base64,';

/** The code with its inline map's sources made absolute (relative to `bundleFile`); unchanged when it has none. */
export function absoluteSourceMap(code: string, bundleFile: string): string {
  const at = code.lastIndexOf(INLINE_MAP);
  if (at < 0) return code;
  const start = at + INLINE_MAP.length;
  const end = code.indexOf('\n', start);
  const encoded = code.slice(start, end < 0 ? undefined : end).trim();
  let map: { sources?: unknown; sourceRoot?: string };
  try {
    map = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as typeof map;
  } catch {
    return code;
  }
  if (!Array.isArray(map.sources)) return code;
  const base = dirname(bundleFile);
  const root = map.sourceRoot ?? '';
  map.sources = map.sources.map((s: unknown) => {
    if (typeof s !== 'string' || /^[a-z][\w+.-]*:/i.test(s)) return s;
    const path = isAbsolute(root + s) ? root + s : resolve(base, root + s);
    return pathToFileURL(path).href;
  });
  delete map.sourceRoot;
  const rewritten = Buffer.from(JSON.stringify(map)).toString('base64');
  return code.slice(0, start) + rewritten + (end < 0 ? '\n' : code.slice(end));
}

/** Rewrites each bundle file's inline source map in place (see absoluteSourceMap). */
export function absolutizeSourceMaps(files: string[]): void {
  for (const file of files) {
    if (!/\.(m|c)?js$/.test(file)) continue;
    const code = readFileSync(file, 'utf8');
    const out = absoluteSourceMap(code, file);
    if (out !== code) writeFileSync(file, out);
  }
}
