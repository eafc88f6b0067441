// package.json's engines.node is at least as strict as every runtime dependency's own engines.node
// (read from the installed node_modules, transitive dependencies included), and no stricter than it
// needs to be: its minimum is the highest minimum among them (or 22.18, what type stripping needs).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/emulator.ts';

type Version = [number, number, number];

interface Manifest {
  name: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function parseVersion(text: string): Version {
  const m = /^v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?/.exec(text.trim());
  if (!m) throw new Error(`not a version: '${text}'`);
  const n = (s: string | undefined): number => (s === undefined || s === 'x' || s === '*' ? 0 : Number(s));
  return [n(m[1]), n(m[2]), n(m[3])];
}

const compare = (a: Version, b: Version): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/**
 * The lowest version an engines range accepts from which every later version is accepted too: the
 * lowest lower bound among its `||` alternatives that have no upper bound. Throws on a form it does
 * not understand, so a new kind of range fails this test rather than passing it.
 */
function openMinimum(range: string): Version | undefined {
  let best: Version | undefined;
  for (const alternative of range.split('||').map((a) => a.trim())) {
    if (alternative === '' || alternative === '*' || alternative === 'x') return [0, 0, 0];
    const parts = alternative.replace(/(>=|>|<=|<|\^|~|=)\s+/g, '$1').split(/\s+/);
    let lower: Version = [0, 0, 0];
    let bounded = false;
    for (const part of parts) {
      const m = /^(>=|>|<=|<|\^|~|=)?(.+)$/.exec(part)!;
      const v = parseVersion(m[2]);
      if (m[1] === '>=' || m[1] === '>') lower = v;
      else if (m[1] === '<' || m[1] === '<=' || m[1] === '^' || m[1] === '~' || m[1] === '=' || m[1] === undefined) {
        if (m[1] !== '<' && m[1] !== '<=') lower = v;
        bounded = true;
      } else throw new Error(`engines range not understood: '${range}'`);
    }
    if (!bounded && (!best || compare(lower, best) < 0)) best = lower;
  }
  return best;
}

/** Every package reachable from the runtime dependencies, resolved as Node resolves them. */
function runtimePackages(): Manifest[] {
  const seen = new Map<string, Manifest>();
  const resolve = (from: string, name: string): string | undefined => {
    for (let dir = from; ; dir = dirname(dir)) {
      const manifest = join(dir, 'node_modules', name, 'package.json');
      if (existsSync(manifest)) return manifest;
      if (dirname(dir) === dir) return undefined;
    }
  };
  const walk = (from: string, deps: Record<string, string>, optional: Set<string>): void => {
    for (const name of Object.keys(deps)) {
      const manifest = resolve(from, name);
      if (!manifest) {
        if (optional.has(name)) continue;
        throw new Error(`${name} (needed from ${from}) is not installed`);
      }
      if (seen.has(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as Manifest;
      seen.set(manifest, pkg);
      walk(dirname(manifest), { ...pkg.dependencies, ...pkg.optionalDependencies }, new Set(Object.keys(pkg.optionalDependencies ?? {})));
    }
  };
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
  walk(ROOT, root.dependencies ?? {}, new Set());
  return [...seen.values()];
}

describe('engines.node', () => {
  it('understands the range forms in use', () => {
    expect(openMinimum('>=22.22')).toEqual([22, 22, 0]);
    expect(openMinimum('>= 20.19.0')).toEqual([20, 19, 0]);
    expect(openMinimum('^20.19.0 || >=22.12.0')).toEqual([22, 12, 0]);
    expect(openMinimum('^18')).toBeUndefined();
    expect(openMinimum('>=14 <23')).toBeUndefined();
    expect(() => openMinimum('node@lts')).toThrow();
  });

  it('is the highest minimum among the runtime dependencies (and at least 22.18 for type stripping)', () => {
    const ours = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest).engines!.node!;
    const ourMinimum = openMinimum(ours);
    expect(ourMinimum, `package.json engines.node '${ours}' must be an open range (>=X.Y)`).toBeDefined();
    let strictest: { name: string; version: Version } = { name: 'type stripping', version: [22, 18, 0] };
    for (const pkg of runtimePackages()) {
      const range = pkg.engines?.node;
      if (!range) continue;
      const minimum = openMinimum(range);
      expect(minimum, `${pkg.name}'s engines.node '${range}' accepts no open range of Node versions`).toBeDefined();
      expect(compare(ourMinimum!, minimum!), `${pkg.name} needs Node ${range}; package.json says ${ours}`).toBeGreaterThanOrEqual(0);
      if (compare(minimum!, strictest.version) > 0) strictest = { name: pkg.name, version: minimum! };
    }
    expect(ourMinimum, `the strictest dependency is ${strictest.name} (${strictest.version.join('.')}): package.json need not ask for more`).toEqual(strictest.version);
  });

  it('is what the lock file records for the root package', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, Manifest> };
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
    expect(lock.packages[''].engines).toEqual(pkg.engines);
  });
});
