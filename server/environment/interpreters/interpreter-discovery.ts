// Where Node and Python interpreters are found on this machine: the PATH (shims left out: they pick a
// version by the cwd, which a function does not share), then the folders of the usual version
// managers (nvm, fnm, volta, asdf, mise, pyenv, uv), each with the version its folder names. An
// interpreter's version is read by running it once (cached per path and mtime).
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readdirSync, realpathSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { Interpreter } from './interpreter-choice.ts';
import { type RuntimeWanted, compareVersions } from './runtime-ids.ts';

/** The variables discovery reads (the emulator's own environment, or a test's). */
export type DiscoveryEnv = Readonly<Record<string, string | undefined>>;

export interface Candidate {
  path: string;
  source: string;
  /** The version its folder names, when it does (version managers); else it is read by running it. */
  version?: string;
}

/** Shim folders: pyenv, asdf, mise, rbenv-style `shims`, and volta's `bin` (its node is a shim). */
const SHIMS = /(^|\/)(shims|\.volta\/bin)\/?$/;

/** Candidates for a family, in order of preference: the PATH, then each version manager's installs (newest first). */
export function candidates(family: 'nodejs' | 'python', w: RuntimeWanted, env: DiscoveryEnv): Candidate[] {
  const out: Candidate[] = [];
  const names = family === 'nodejs' ? ['node'] : [...(w.family === 'python' ? [`python${w.minor}`] : []), 'python3'];
  const dirs = (env.PATH ?? '').split(delimiter).filter((d) => isAbsolute(d) && !SHIMS.test(d));
  for (const dir of dirs) for (const name of names) out.push({ path: join(dir, name), source: 'PATH' });
  for (const manager of managers(family, env)) {
    const installs = listDir(manager.dir)
      .map((entry) => ({ entry, version: manager.version(entry) }))
      .filter((e): e is { entry: string; version: string } => e.version !== undefined)
      .sort((a, b) => compareVersions(b.version, a.version));
    for (const { entry, version } of installs) out.push({ path: join(manager.dir, entry, manager.bin), source: manager.name, version });
  }
  // The same file twice (/bin and /usr/bin, python3 → python3.11): the first place counts.
  const seen = new Set<string>();
  return out.filter((c) => {
    if (!executable(c.path)) return false;
    const real = realpathSync(c.path);
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

interface Manager {
  name: string;
  dir: string;
  /** The version an entry of `dir` names, or undefined when it names none (`system`, `miniconda3-latest`). */
  version: (entry: string) => string | undefined;
  /** The interpreter inside an entry. */
  bin: string;
}

const numeric = (re: RegExp) => (entry: string): string | undefined => re.exec(entry)?.[1];

function managers(family: 'nodejs' | 'python', env: DiscoveryEnv): Manager[] {
  const home = env.HOME ?? '';
  const data = env.XDG_DATA_HOME || join(home, '.local/share');
  const asdf = env.ASDF_DATA_DIR || join(home, '.asdf');
  const mise = env.MISE_DATA_DIR || join(data, 'mise');
  if (family === 'nodejs') {
    const v = numeric(/^v?(\d+\.\d+\.\d+)$/);
    return [
      { name: 'nvm', dir: join(env.NVM_DIR || join(env.XDG_CONFIG_HOME || home, env.XDG_CONFIG_HOME ? 'nvm' : '.nvm'), 'versions/node'), version: v, bin: 'bin/node' },
      { name: 'fnm', dir: join(env.FNM_DIR || join(data, 'fnm'), 'node-versions'), version: v, bin: 'installation/bin/node' },
      { name: 'fnm', dir: join(home, '.fnm/node-versions'), version: v, bin: 'installation/bin/node' },
      { name: 'volta', dir: join(env.VOLTA_HOME || join(home, '.volta'), 'tools/image/node'), version: v, bin: 'bin/node' },
      { name: 'asdf', dir: join(asdf, 'installs/nodejs'), version: v, bin: 'bin/node' },
      { name: 'mise', dir: join(mise, 'installs/node'), version: v, bin: 'bin/node' },
    ].filter((m) => isAbsolute(m.dir));
  }
  const v = numeric(/^(3\.\d+\.\d+)$/);
  return [
    { name: 'pyenv', dir: join(env.PYENV_ROOT || join(home, '.pyenv'), 'versions'), version: v, bin: 'bin/python3' },
    { name: 'uv', dir: env.UV_PYTHON_INSTALL_DIR || join(data, 'uv/python'), version: numeric(/^cpython-(3\.\d+\.\d+)-linux-/), bin: 'bin/python3' },
    { name: 'asdf', dir: join(asdf, 'installs/python'), version: v, bin: 'bin/python3' },
    { name: 'mise', dir: join(mise, 'installs/python'), version: v, bin: 'bin/python3' },
  ].filter((m) => isAbsolute(m.dir));
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

const PYTHON_PROBE = 'import sys, importlib.util as u; print("%d.%d.%d" % sys.version_info[:3], *[m for m in ("boto3", "pip", "debugpy") if u.find_spec(m)])';

const probed = new Map<string, Interpreter | undefined>();

/**
 * The interpreter at `path` as it really is (its version, for Python its modules), or undefined when it
 * is not a working interpreter of that family. Run once per path and modification time.
 */
export function probeInterpreter(family: 'nodejs' | 'python', path: string, source: string): Interpreter | undefined {
  // By the path itself: a venv's bin/python3 links to its base Python but is another interpreter.
  let key: string;
  const abs = resolve(path);
  try {
    key = `${family}\0${abs}\0${statSync(realpathSync(abs)).mtimeMs}`;
  } catch {
    return undefined;
  }
  if (!probed.has(key)) {
    let found: Interpreter | undefined;
    try {
      const args = family === 'nodejs' ? ['-e', 'process.stdout.write(process.versions.node)'] : ['-E', '-c', PYTHON_PROBE];
      const out = execFileSync(abs, args, { encoding: 'utf8', timeout: 15_000, stdio: ['ignore', 'pipe', 'ignore'], env: { PATH: '/usr/bin:/bin' } }).trim();
      const [version, ...modules] = out.split(/\s+/);
      if (/^\d+\.\d+\.\d+$/.test(version)) found = { family, path: abs, version, source, ...(family === 'python' ? { modules } : {}) };
    } catch {
      // not a working interpreter: leave it out
    }
    probed.set(key, found);
  }
  const hit = probed.get(key);
  return hit && { ...hit, source };
}
