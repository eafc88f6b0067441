// esbuild bundles of TypeScript handlers, cached by content hash: a cache entry per function and
// build options remembers the input files esbuild read and their sha256; the bundle is reused while
// every input still hashes the same, else rebuilt into a new directory (running environments keep theirs).
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import type { BundlePlan } from './bundle-plan.ts';
import { absolutizeSourceMaps } from './source-map-paths.ts';

/** A bundle directory, or esbuild's errors (each `file:line:col: message`, then its source line). */
export type BundleResult = { dir: string; cached: boolean } | { errors: string[] };

interface Manifest {
  /** Absolute input path → sha256 of its content. */
  inputs: Record<string, string>;
  /** Directory (in the entry) holding the bundle. */
  out: string;
}

// ESM bundles of CommonJS dependencies call require() for Node's builtins: give them one.
const ESM_BANNER = "import { createRequire as __ephemeraCreateRequire } from 'node:module'; const require = __ephemeraCreateRequire(import.meta.url);";

/** Where bundles are cached: $EPHEMERA_CACHE_DIR, else <os tmpdir>/ephemera-cache-<user>. */
export function defaultCacheDir(): string {
  if (process.env.EPHEMERA_CACHE_DIR) return resolve(process.env.EPHEMERA_CACHE_DIR);
  let user = 'user';
  try {
    user = userInfo().username.replace(/[^\w.-]/g, '_') || user;
  } catch {
    // no passwd entry (containers): keep the default
  }
  return join(tmpdir(), `ephemera-cache-${user}`);
}

/** A build's result, and whether an input was saved while it ran (its content may be older). */
type Built = { dir: string; cached: boolean; stale: boolean } | { errors: string[] };

const inFlight = new Map<string, Promise<Built>>();

/** The bundle of `plan` for the code in `codeDir`: a cached one if its inputs are unchanged. */
export async function bundle(codeDir: string, plan: BundlePlan, cacheDir: string, nodePaths: string[] = []): Promise<BundleResult> {
  // `maps`: bundles from before source maps named their sources by absolute URL are not reused.
  const key = sha256(JSON.stringify({ esbuild: esbuild.version, codeDir, plan, maps: 'absolute', ...(nodePaths.length ? { nodePaths } : {}) })).slice(0, 24);
  const running = inFlight.get(key);
  if (running) {
    // That build started before this call: it holds only if no input was saved while it ran
    // (--watch starts the new environment right after a save), else build what is there now.
    const r = await running;
    if (!('dir' in r) || !r.stale) return result(r);
  }
  let p = inFlight.get(key);
  if (!p) {
    p = bundleOnce(codeDir, plan, join(cacheDir, 'bundles', key), nodePaths).finally(() => inFlight.delete(key));
    inFlight.set(key, p);
  }
  return result(await p);
}

function result(r: Built): BundleResult {
  return 'dir' in r ? { dir: r.dir, cached: r.cached } : r;
}

/** Bundle directories environments of this process were started from (and still run in): never pruned. */
const inUse = new Map<string, number>();

/** An environment runs from this bundle directory until the returned function is called. */
export function holdBundle(dir: string): () => void {
  inUse.set(dir, (inUse.get(dir) ?? 0) + 1);
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    const n = (inUse.get(dir) ?? 1) - 1;
    if (n > 0) inUse.set(dir, n);
    else inUse.delete(dir);
  };
}

/**
 * Stop esbuild's helper process (the JS API keeps one running; a later bundle starts it again).
 * Called when an emulator closes, unless a bundle is being built.
 */
export async function stopBundler(): Promise<void> {
  if (inFlight.size === 0) await esbuild.stop();
}

/** `nodePaths`: where packages the code dir lacks are found (dependencies built for the function). */
async function bundleOnce(codeDir: string, plan: BundlePlan, entryDir: string, nodePaths: string[]): Promise<Built> {
  const manifestPath = join(entryDir, 'manifest.json');
  const previous = readManifest(manifestPath);
  if (previous && unchanged(previous.inputs) && isDir(join(entryDir, previous.out))) {
    const dir = join(entryDir, previous.out);
    // Started from just now: another emulator sharing the cache does not prune it for a minute.
    touch(dir);
    return { dir, cached: true, stale: false };
  }
  mkdirSync(entryDir, { recursive: true, mode: 0o700 });
  const work = join(entryDir, `tmp-${randomBytes(6).toString('hex')}`);
  // The build's start on the file system's own (coarse) clock, which stamps the inputs' mtimes: an input
  // stamped later was saved while esbuild ran. One saved before the build, even a moment before, is not.
  const marker = join(entryDir, '.build-started');
  writeFileSync(marker, '');
  const startedAt = statSync(marker).mtimeMs;
  let result: esbuild.BuildResult<{ metafile: true }>;
  try {
    result = await esbuild.build({
      absWorkingDir: codeDir,
      entryPoints: plan.entryPoints,
      outdir: work,
      outbase: plan.outbase,
      bundle: true,
      platform: 'node',
      format: plan.format,
      outExtension: plan.format === 'esm' ? { '.js': '.mjs' } : undefined,
      banner: plan.format === 'esm' ? { js: ESM_BANNER } : undefined,
      target: plan.target,
      minify: plan.minify,
      sourcemap: plan.sourcemap ? 'inline' : false,
      external: plan.external,
      mainFields: plan.mainFields,
      loader: plan.loader as Record<string, esbuild.Loader> | undefined,
      nodePaths,
      metafile: true,
      write: true,
      logLevel: 'silent',
    });
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    return { errors: describeFailure(err, codeDir) };
  }
  if (plan.sourcemap) absolutizeSourceMaps(Object.keys(result.metafile.outputs).map((o) => resolve(codeDir, o)));
  // An input saved while esbuild ran is recorded as unknown (''): its hash now may not be the content
  // bundled, so the next cold start builds again instead of reusing this bundle.
  const inputs: Record<string, string> = {};
  let stale = false;
  for (const input of Object.keys(result.metafile.inputs)) {
    const path = resolve(codeDir, input);
    if (!isAbsolute(path) || input.includes(':')) continue;
    const saved = statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Infinity;
    const changed = saved > startedAt;
    stale ||= changed;
    inputs[path] = changed ? '' : (fileHash(path) ?? '');
  }
  // Named by its inputs' content, unless that content is not known for sure (then a name of its own).
  const out = `b-${stale ? randomBytes(8).toString('hex') : sha256(JSON.stringify(Object.entries(inputs).sort())).slice(0, 16)}`;
  // External packages resolve from the function's own node_modules, as next to the sources.
  if (isDir(join(codeDir, 'node_modules'))) symlinkSync(join(codeDir, 'node_modules'), join(work, 'node_modules'));
  try {
    renameSync(work, join(entryDir, out));
  } catch {
    rmSync(work, { recursive: true, force: true }); // the same bundle exists already (another process)
  }
  const manifestTmp = `${manifestPath}.${randomBytes(4).toString('hex')}`;
  writeFileSync(manifestTmp, JSON.stringify({ inputs, out } satisfies Manifest));
  renameSync(manifestTmp, manifestPath);
  prune(entryDir, out);
  return { dir: join(entryDir, out), cached: false, stale };
}

/** esbuild's errors as `file:line:col: message` lines (paths relative to the code dir), source line under each. */
function describeFailure(err: unknown, codeDir: string): string[] {
  const errors = (err as { errors?: esbuild.Message[] }).errors;
  if (!errors?.length) return [String((err as Error)?.message ?? err)];
  return errors.flatMap((m) => {
    const where = m.location ? `${m.location.file.replace(`${codeDir}/`, '')}:${m.location.line}:${m.location.column}: ` : '';
    return m.location?.lineText ? [`${where}${m.text}`, `    ${m.location.lineText}`] : [`${where}${m.text}`];
  });
}

function unchanged(inputs: Record<string, string>): boolean {
  return Object.entries(inputs).every(([path, hash]) => fileHash(path) === hash);
}

function fileHash(path: string): string | undefined {
  try {
    return sha256(readFileSync(path));
  } catch {
    return undefined;
  }
}

function readManifest(path: string): Manifest | undefined {
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    return typeof m.out === 'string' && typeof m.inputs === 'object' ? m : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Remove older bundles of the entry: not those an environment of this process runs from (its task
 * root and cwd), nor those built or started from in the last minute (another emulator may use them).
 */
function prune(entryDir: string, keep: string): void {
  const cutoff = Date.now() - 60_000;
  for (const name of readdirSync(entryDir)) {
    if (name === keep || name === 'manifest.json' || !/^(b|tmp)-/.test(name)) continue;
    const path = join(entryDir, name);
    if (inUse.has(path)) continue;
    try {
      if (statSync(path).mtimeMs < cutoff) rmSync(path, { recursive: true, force: true });
    } catch {
      // gone meanwhile
    }
  }
}

function touch(path: string): void {
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    // not ours to touch (a shared cache): the in-process hold still protects it here
  }
}

function isDir(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
