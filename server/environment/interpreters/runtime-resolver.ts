// Which interpreter runs each runtime (nodejs22.x → a Node 22, python3.12 → a Python 3.12), decided
// once per runtime: the user's --runtime-path, else one found on the machine (the PATH, version
// managers, Node majors fetched earlier), else (--fetch-runtimes) a Node major fetched now, else what
// runs instead, with one start-up warning per function saying so (an error with --strict-runtimes).
import { realpathSync } from 'node:fs';
import type { FunctionConfig } from '../../model.ts';
import { EMULATOR_NODE, type Interpreter, chooseInterpreter, runtimeProblem } from './interpreter-choice.ts';
import { type Candidate, type DiscoveryEnv, candidates, probeInterpreter } from './interpreter-discovery.ts';
import { fetchNode, fetchedNodes } from './node-download.ts';
import { type RuntimeWanted, clientRuns, honours, nodeArch, wantedBy } from './runtime-ids.ts';

export interface RuntimeResolverOptions {
  /** --runtime-path: a runtime (`nodejs22.x`) or family (`nodejs`, `python`) → an interpreter. */
  paths?: Readonly<Record<string, string>>;
  /** --fetch-runtimes: prepare() fetches Node majors found nowhere. */
  fetch?: boolean;
  /** Where fetched Node majors are kept. */
  cacheDir: string;
  /** The emulator's environment: PATH, HOME, the version managers' variables, EPHEMERA_PYTHON. */
  env: DiscoveryEnv;
  /** process.arch of this machine (tests pass another). */
  hostArch?: string;
}

export type Resolution = { interpreter: Interpreter; exact: boolean } | { errorType: string; error: string };

export class RuntimeResolver {
  private readonly options: RuntimeResolverOptions;
  private readonly resolved = new Map<string, Resolution>();
  /** Fetch failures, by major: said once in the warning of each function that wanted it. */
  private readonly fetchErrors = new Map<number, string>();

  constructor(options: RuntimeResolverOptions) {
    this.options = options;
  }

  get hostArch(): string {
    return this.options.hostArch ?? process.arch;
  }

  /** The interpreter for a runtime (nodejs* or python3.*), found on this machine; cached. */
  resolve(runtime: string): Resolution {
    let r = this.resolved.get(runtime);
    if (!r) {
      r = this.find(runtime);
      this.resolved.set(runtime, r);
    }
    return r;
  }

  /**
   * Before the functions run (start-up): with --fetch-runtimes, fetch each Node major that these
   * runtimes want and no interpreter here has. `onFetch` hears about each fetch (for the log).
   */
  async prepare(runtimes: readonly string[], onFetch: (event: { major: number; done?: string; error?: string }) => void = () => {}): Promise<void> {
    if (!this.options.fetch) return;
    const majors = new Set<number>();
    for (const runtime of runtimes) {
      const w = wantedBy(runtime);
      const r = this.resolve(runtime);
      if (w?.family === 'nodejs' && 'interpreter' in r && !r.exact && !r.interpreter.explicit) majors.add(w.major);
    }
    await Promise.all([...majors].map(async (major) => {
      onFetch({ major });
      try {
        const got = await fetchNode(major, this.nodeArch, this.options.cacheDir);
        onFetch({ major, done: `${got.version} (${got.path})` });
      } catch (err) {
        const error = (err as Error).message.split('\n')[0];
        this.fetchErrors.set(major, error);
        onFetch({ major, error });
      }
    }));
    for (const runtime of runtimes) {
      const w = wantedBy(runtime);
      if (w?.family === 'nodejs' && majors.has(w.major)) this.resolved.delete(runtime);
    }
  }

  /** The one start-up warning for a function (version and architecture), or undefined. */
  problem(fn: Pick<FunctionConfig, 'runtime' | 'architecture'>): string | undefined {
    const wanted = wantedBy(fn.runtime);
    if (!wanted) return undefined;
    const r = wanted.family === 'provided' ? undefined : this.resolve(fn.runtime);
    if (r && 'error' in r) return `${r.error}: invoking it returns ${r.errorType}`;
    const choice = r ? { interpreter: r.interpreter, exact: r.exact } : { exact: true };
    const fetchError = wanted.family === 'nodejs' ? this.fetchErrors.get(wanted.major) : undefined;
    const problem = runtimeProblem({ runtime: fn.runtime, wanted, choice, architecture: fn.architecture, hostArch: this.hostArch, fetch: this.options.fetch === true });
    return problem && fetchError ? `${problem} (fetching it failed: ${fetchError})` : problem;
  }

  private find(runtime: string): Resolution {
    const w = wantedBy(runtime);
    if (!w || w.family === 'provided') return { errorType: 'Runtime.InvalidRuntime', error: `Runtime ${runtime} has no interpreter` };
    const family = w.family;
    const label = family === 'nodejs' ? 'Node' : 'Python 3';
    const explicit = this.explicitPath(runtime, family);
    if (explicit) {
      const found = probeInterpreter(family, explicit.path, explicit.source);
      if (!found) return { errorType: 'Runtime.InvalidRuntime', error: `${explicit.source}${explicit.path} is not a working ${label} interpreter` };
      return { interpreter: { ...found, explicit: true }, exact: honours(w, found.version) };
    }
    // The first that honours the version, in order of preference; versions are read only as needed.
    const seen: Interpreter[] = [];
    for (const c of this.candidates(w)) {
      const known = c.version ? undefined : this.known(family, c);
      const version = c.version ?? known?.version;
      if (version === undefined) continue;
      const hinted = known ?? { family, path: c.path, version, source: c.source };
      if (honours(w, version) && clientRuns(family, version)) {
        const real = known ?? probeInterpreter(family, c.path, c.source);
        if (real && honours(w, real.version)) return { interpreter: real, exact: true };
        if (real) seen.push(real);
        continue;
      }
      seen.push(hinted);
    }
    // None does: what runs instead (its version checked by running it, as it was read from a folder name).
    let pool = seen;
    for (;;) {
      const picked = chooseInterpreter(w, pool).interpreter;
      if (!picked) return { errorType: 'Runtime.InvalidRuntime', error: `No ${label} interpreter found for ${runtime}: install one, or pass --runtime-path ${runtime}=/path/to/it` };
      const real = picked.source === EMULATOR_NODE || picked.modules ? picked : probeInterpreter(family, picked.path, picked.source);
      if (real && real.version === picked.version) return { interpreter: real, exact: false };
      pool = pool.filter((c) => c !== picked);
    }
  }

  /** A PATH candidate's interpreter: Node's own without running it, others by running them once. */
  private known(family: 'nodejs' | 'python', c: Candidate): Interpreter | undefined {
    if (family === 'nodejs' && realpath(c.path) === realpath(process.execPath)) return { family, path: c.path, version: process.versions.node, source: c.source };
    return probeInterpreter(family, c.path, c.source);
  }

  /** --runtime-path for the runtime, else for its family; EPHEMERA_PYTHON for Python (the older way). */
  private explicitPath(runtime: string, family: 'nodejs' | 'python'): { path: string; source: string } | undefined {
    const paths = this.options.paths ?? {};
    if (paths[runtime]) return { path: paths[runtime], source: `--runtime-path ${runtime}=` };
    if (paths[family]) return { path: paths[family], source: `--runtime-path ${family}=` };
    const legacy = family === 'python' ? this.options.env.EPHEMERA_PYTHON : undefined;
    return legacy ? { path: legacy, source: 'EPHEMERA_PYTHON' } : undefined;
  }

  /**
   * Where to look, in order of preference: PATH entries, version managers' installs and Node majors
   * fetched earlier (their version from the folder name), and for nodejs the emulator's own Node last.
   */
  private candidates(w: RuntimeWanted & { family: 'nodejs' | 'python' }): Candidate[] {
    const out = candidates(w.family, w, this.options.env);
    if (w.family === 'nodejs') {
      for (const f of fetchedNodes(this.options.cacheDir, this.nodeArch)) out.push({ path: f.path, version: f.version, source: 'fetched' });
      out.push({ path: process.execPath, version: process.versions.node, source: EMULATOR_NODE });
    }
    return out;
  }

  /** The node-linux-<arch> package this machine runs. */
  private get nodeArch(): string {
    return nodeArch(this.hostArch === 'arm64' ? 'arm64' : 'x86_64');
  }
}

function realpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
