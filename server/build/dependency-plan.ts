// Whether a function's dependencies are installed for it, as `sam build` would, and under which
// content key: a python3.* CodeUri with a requirements.txt (and no installed packages of its own, i.e.
// not already `sam build`'s output), a nodejs* CodeUri with a package.json that has dependencies and
// no node_modules. The key covers the manifest (and lock file), the interpreter's version and the
// architecture: an unchanged key reuses the cached install. Pure: the facts come from dependency-builds.ts.
import { createHash } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';

export interface CodeFacts {
  runtime: string;
  codeDir: string;
  /** requirements.txt's text, when the code dir has one. */
  requirements?: string;
  /** package.json's text, when the code dir has one. */
  packageJson?: string;
  /** package-lock.json or npm-shrinkwrap.json's text. */
  lock?: string;
  hasNodeModules: boolean;
  /** The code dir holds installed Python packages (`*.dist-info`): it was built already. */
  hasInstalledPackages: boolean;
  /** `3.12`, `22`: the version of the interpreter the function runs on (native code is built for it). */
  interpreterVersion: string;
  architecture: string;
}

export type DependencyPlan =
  | { kind: 'python'; key: string; manifest: 'requirements.txt' }
  | { kind: 'nodejs'; key: string; manifest: 'package.json'; packageJson: string; lock?: string }
  | { kind: 'none' };

export function dependencyPlan(f: CodeFacts): DependencyPlan {
  if (f.runtime.startsWith('python') && f.requirements !== undefined && !f.hasInstalledPackages) {
    if (!f.requirements.split('\n').some((l) => l.trim() !== '' && !l.trim().startsWith('#'))) return { kind: 'none' };
    return { kind: 'python', manifest: 'requirements.txt', key: key(['python', f.interpreterVersion, f.architecture, f.codeDir, f.requirements]) };
  }
  if (f.runtime.startsWith('nodejs') && f.packageJson !== undefined && !f.hasNodeModules) {
    let pkg: Record<string, unknown>;
    try {
      pkg = JSON.parse(f.packageJson) as Record<string, unknown>;
    } catch {
      return { kind: 'none' };
    }
    const deps = { ...asRecord(pkg.dependencies), ...asRecord(pkg.optionalDependencies) };
    if (Object.keys(deps).length === 0) return { kind: 'none' };
    const { pkg: rewritten, local } = forBuild(pkg, f.codeDir);
    const packageJson = JSON.stringify(rewritten, null, 2);
    // A lock file's relative `file:` entries would point elsewhere once copied: the lock goes then.
    const lock = local ? undefined : f.lock;
    return { kind: 'nodejs', manifest: 'package.json', packageJson, lock, key: key(['nodejs', f.interpreterVersion, f.architecture, packageJson, lock ?? '']) };
  }
  return { kind: 'none' };
}

const LOCAL = /^(file:)?(\.{1,2}\/|\/)/;

/**
 * package.json as the build installs it: local (`file:../lib`, `../lib`) dependencies made absolute,
 * so that npm finds them from the build's own folder (`local`: there were some), devDependencies out.
 */
export function forBuild(pkg: Record<string, unknown>, codeDir: string): { pkg: Record<string, unknown>; local: boolean } {
  let local = false;
  const fix = (section: unknown): unknown => {
    const deps = asRecord(section);
    const out: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(deps)) {
      if (typeof spec === 'string' && LOCAL.test(spec)) {
        const path = spec.replace(/^file:/, '');
        out[name] = `file:${isAbsolute(path) ? path : resolve(codeDir, path)}`;
        local = true;
      } else {
        out[name] = spec;
      }
    }
    return out;
  };
  const next: Record<string, unknown> = { ...pkg, dependencies: fix(pkg.dependencies), optionalDependencies: fix(pkg.optionalDependencies) };
  if (pkg.dependencies === undefined) delete next.dependencies;
  if (pkg.optionalDependencies === undefined) delete next.optionalDependencies;
  // devDependencies are not installed (--omit=dev): they go, so npm does not resolve them either.
  delete next.devDependencies;
  return { pkg: next, local };
}

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function key(parts: string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 20);
}
