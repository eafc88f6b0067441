// AWS's official Node runtime client (npm `aws-lambda-ric`) built into the ric-node fixture for
// test/compat/aws-lambda-ric.test.ts. It has a native addon (node-gyp compiles aws-lambda-cpp and curl:
// about a minute of CPU), so a build is kept per machine in the user's cache folder, keyed by the
// package version and the exact Node, and copied into the fixture of every later clone.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';

// Once per machine; a loaded machine took 177 s (it then skipped the file at the old 180 s limit).
const BUILD_TIMEOUT_MS = 600_000;

/** $XDG_CACHE_HOME (or ~/.cache)/ephemera-test/aws-lambda-ric-<version>-node<version>-<platform>-<arch>. */
export function ricCacheDir(version: string): string {
  const base = process.env.XDG_CACHE_HOME && isAbsolute(process.env.XDG_CACHE_HOME) ? process.env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'ephemera-test', `aws-lambda-ric-${version}-node${process.versions.node}-${process.platform}-${process.arch}`);
}

/** Whether `nodeModules` holds aws-lambda-ric `version` with its native addon built. */
function builtIn(nodeModules: string, version: string): boolean {
  const pkg = join(nodeModules, 'aws-lambda-ric');
  try {
    return existsSync(join(pkg, 'rapid-client.node')) && (JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string }).version === version;
  } catch {
    return false;
  }
}

/**
 * Makes `<fixtureDir>/node_modules` hold aws-lambda-ric `version`: already there, copied from the
 * machine's cache, or built with npm (then cached). Returns why it could not, or undefined.
 */
export async function buildRic(fixtureDir: string, version: string): Promise<string | undefined> {
  const target = join(fixtureDir, 'node_modules');
  if (builtIn(target, version)) return undefined;
  const cached = join(ricCacheDir(version), 'node_modules');
  if (builtIn(cached, version)) {
    cpSync(cached, target, { recursive: true, verbatimSymlinks: true });
    if (builtIn(target, version)) return undefined;
  }
  const binDir = dirname(process.execPath);
  const prefix = dirname(binDir);
  // Not the npm/vitest variables of the process running the tests (npx sets npm_config_*, npm_package_*).
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(npm_|VITEST|NODE_OPTIONS$)/i.test(k)) env[k] = v;
  }
  env.PATH = `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`;
  // node-gyp must compile against the headers of this Node, not the user's `nodedir` config.
  if (existsSync(join(prefix, 'include/node/node_version.h'))) env.npm_config_nodedir = prefix;
  const npm = existsSync(join(binDir, 'npm')) ? join(binDir, 'npm') : 'npm';
  const started = Date.now();
  try {
    await promisify(execFile)(npm, ['install', '--no-audit', '--no-fund', '--no-package-lock'], {
      cwd: fixtureDir, env, timeout: BUILD_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as { stderr?: string; message: string; killed?: boolean };
    if (e.killed) return `npm install did not finish in ${BUILD_TIMEOUT_MS / 1000} s`;
    const lines = (e.stderr ?? '').split('\n').filter((l) => /^npm (error|ERR!)/.test(l));
    return (lines.length ? lines : [e.message]).slice(0, 8).join('\n');
  }
  if (!builtIn(target, version)) return `npm install succeeded but ${join(target, 'aws-lambda-ric/rapid-client.node')} is missing (were its install scripts blocked?)`;
  console.log(`aws-lambda-ric ${version} built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  keep(target, dirname(cached));
  return undefined;
}

/** Copies a fresh build into the cache: whole or not at all (another clone may be caching the same one). */
function keep(nodeModules: string, cacheDir: string): void {
  const staging = `${cacheDir}.${process.pid}`;
  try {
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    cpSync(nodeModules, join(staging, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    rmSync(cacheDir, { recursive: true, force: true });
    renameSync(staging, cacheDir);
  } catch (err) {
    console.warn(`aws-lambda-ric build not cached in ${cacheDir}: ${(err as Error).message}`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
