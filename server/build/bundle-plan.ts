// What esbuild bundles for a Node function at cold start, if anything: a handler whose module is a
// .ts/.mts/.cts file (and no .js/.mjs/.cjs of that name), or SAM `Metadata: BuildMethod: esbuild`
// with its BuildProperties (EntryPoints, External, Minify, Target, Sourcemap, Format, MainFields, Loader).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { FunctionBuild, FunctionConfig } from '../model.ts';

export interface BundlePlan {
  /** Entry points relative to the code dir. */
  entryPoints: string[];
  format: 'cjs' | 'esm';
  /** The code dir (outputs keep the sources' layout), or undefined for esbuild's default (SAM). */
  outbase: string | undefined;
  external: string[];
  minify: boolean;
  target: string;
  sourcemap: boolean;
  mainFields?: string[];
  loader?: Record<string, string>;
}

export type PlanResult = { plan: BundlePlan } | { none: true } | { error: string };

const JS_EXTENSIONS = ['', '.js', '.mjs', '.cjs'];
const TS_EXTENSIONS = ['.ts', '.mts', '.cts'];
const KNOWN_PROPERTIES = new Set(['EntryPoints', 'External', 'Minify', 'Target', 'Sourcemap', 'Format', 'MainFields', 'Loader']);

/** The resource-level `Metadata` of a function, when it asks for a build (SAM's BuildMethod). */
export function functionBuild(metadata: unknown): FunctionBuild | undefined {
  if (!isObject(metadata) || typeof metadata.BuildMethod !== 'string') return undefined;
  return { method: metadata.BuildMethod, properties: isObject(metadata.BuildProperties) ? { ...metadata.BuildProperties } : {} };
}

/** What of a function's build Metadata is not applied locally (one template warning each). */
export function buildWarnings(build: FunctionBuild | undefined): string[] {
  if (!build) return [];
  if (build.method !== 'esbuild') return [`BuildMethod ${build.method} is not applied locally (only esbuild is): the code directory runs as it is`];
  const ignored = Object.keys(build.properties).filter((k) => !KNOWN_PROPERTIES.has(k));
  return ignored.length ? [`BuildProperties ${ignored.join(', ')} not applied locally (esbuild runs with EntryPoints, External, Minify, Target, Sourcemap, Format, MainFields, Loader)`] : [];
}

/** Module path of a handler (`src/app.handler` → `src/app`), as the Node runtime client splits it. */
export function handlerModule(handler: string): string {
  const file = basename(handler);
  const dir = handler.slice(0, handler.length - file.length);
  const dot = file.indexOf('.');
  return dir + (dot < 0 ? file : file.slice(0, dot));
}

export function bundlePlan(fn: FunctionConfig): PlanResult {
  if (!fn.runtime.startsWith('nodejs') || fn.handler === '' || fn.handler.includes('..')) return { none: true };
  const nodeMajor = /^nodejs(\d+)/.exec(fn.runtime)?.[1] ?? '24';
  const mod = handlerModule(fn.handler);
  const isFile = (rel: string): boolean => statSync(join(fn.codeDir, rel), { throwIfNoEntry: false })?.isFile() ?? false;

  if (fn.build?.method === 'esbuild') {
    const p = fn.build.properties;
    const entries = p.EntryPoints ?? [TS_EXTENSIONS.map((e) => mod + e).find(isFile) ?? `${mod}.js`];
    if (!Array.isArray(entries) || entries.length === 0 || !entries.every((e) => typeof e === 'string' && e !== '')) {
      return { error: 'BuildProperties.EntryPoints must be a non-empty list of files' };
    }
    const resolved: string[] = [];
    for (const entry of entries as string[]) {
      // SAM: an entry without a suffix is tried as .ts, then .js.
      const found = extname(entry) ? (isFile(entry) ? entry : undefined) : ['.ts', '.js'].map((e) => entry + e).find(isFile);
      if (!found) return { error: `entry point ${join(fn.codeDir, entry)} does not exist` };
      resolved.push(found);
    }
    const format = p.Format === undefined ? 'cjs' : p.Format;
    if (format !== 'cjs' && format !== 'esm') return { error: `BuildProperties.Format must be cjs or esm, got ${JSON.stringify(format)}` };
    for (const [key, value] of [['External', p.External], ['MainFields', p.MainFields]] as const) {
      if (value !== undefined && !(Array.isArray(value) || typeof value === 'string')) return { error: `BuildProperties.${key} must be a list` };
    }
    const list = (v: unknown): string[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v.map(String) : String(v).split(','));
    return {
      plan: {
        entryPoints: resolved,
        format,
        outbase: undefined,
        external: list(p.External) ?? [],
        minify: bool(p.Minify, false),
        target: p.Target === undefined ? `node${nodeMajor}` : String(p.Target),
        sourcemap: bool(p.Sourcemap, true),
        mainFields: list(p.MainFields),
        loader: loaders(p.Loader),
      },
    };
  }

  if (JS_EXTENSIONS.some((e) => isFile(mod + e))) return { none: true };
  const entry = TS_EXTENSIONS.map((e) => mod + e).find(isFile);
  if (!entry) return { none: true };
  const format = entry.endsWith('.mts') ? 'esm' : entry.endsWith('.cts') ? 'cjs' : packageType(fn.codeDir, entry);
  return {
    plan: {
      entryPoints: [entry], format, outbase: fn.codeDir, external: [], minify: false, target: `node${nodeMajor}`, sourcemap: true,
    },
  };
}

/** `esm` when the nearest package.json (from the entry's folder up to the code dir) says "type": "module". */
function packageType(codeDir: string, entry: string): 'cjs' | 'esm' {
  for (let dir = dirname(join(codeDir, entry)); dir.startsWith(codeDir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: string }).type === 'module' ? 'esm' : 'cjs';
      } catch {
        return 'cjs';
      }
    }
    if (dir === codeDir) break;
  }
  return 'cjs';
}

/** SAM writes booleans as YAML booleans or strings ("true"). */
function bool(v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  return v === true || v === 'true' || v === 'True';
}

/** Loader: a list of `.ext=loader` (SAM) or a mapping. */
function loaders(v: unknown): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  const out: Record<string, string> = {};
  const pairs = Array.isArray(v) ? v.map((s) => String(s).split('=')) : isObject(v) ? Object.entries(v).map(([k, l]) => [k, String(l)]) : [];
  for (const [ext, loader] of pairs) if (ext && loader) out[ext.startsWith('.') ? ext : `.${ext}`] = loader;
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
