// Where ephemera keeps what it builds or fetches for functions and reuses across runs: dependency
// builds and fetched Node majors (TypeScript bundles, per run, live in typescript-bundle.ts's cache).
// $EPHEMERA_CACHE_DIR when set, else the user's cache folder ($XDG_CACHE_HOME or ~/.cache), else the
// temp dir: a cache that outlives a reboot saves re-installing and re-fetching.
import { accessSync, constants, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { defaultCacheDir } from './typescript-bundle.ts';

export function persistentCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.EPHEMERA_CACHE_DIR) return resolve(env.EPHEMERA_CACHE_DIR);
  const base = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(safeHome(), '.cache');
  try {
    mkdirSync(base, { recursive: true });
    accessSync(base, constants.W_OK);
    return join(base, 'ephemera');
  } catch {
    return defaultCacheDir();
  }
}

/** Fetched Node majors (`node-v22.23.5-linux-x64/`). */
export function runtimesCacheDir(): string {
  return join(persistentCacheDir(), 'runtimes');
}

/** Dependencies installed for functions, one folder per manifest content (`python-<hash>/`, `nodejs-<hash>/`). */
export function dependenciesCacheDir(): string {
  return join(persistentCacheDir(), 'dependencies');
}

function safeHome(): string {
  try {
    return homedir();
  } catch {
    return '/nonexistent';
  }
}
