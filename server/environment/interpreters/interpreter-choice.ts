// Which interpreter runs a runtime, given the ones found (in order of preference), and the one
// start-up warning a function gets when its runtime's version or architecture cannot be honoured.
// Pure: the candidates come from interpreter-discovery.ts.
import { type RuntimeWanted, clientRuns, compareVersions, honours, minorOf, nodeArch, wantedLabel } from './runtime-ids.ts';

export interface Interpreter {
  family: 'nodejs' | 'python';
  /** Absolute path as found (a venv's bin/python3 stays itself: not symlink-resolved). */
  path: string;
  /** `22.23.5`, `3.12.1`: read by running it, or from a version manager's folder name. */
  version: string;
  /** Where it was found: `--runtime-path`, `PATH`, `nvm`, `pyenv`, `fetched`, `the emulator's Node`... */
  source: string;
  /** Python: which of boto3, pip and debugpy it can import. */
  modules?: string[];
  /** Named by the user (--runtime-path, EPHEMERA_PYTHON): taken whatever its version. */
  explicit?: boolean;
}

export interface Choice {
  interpreter?: Interpreter;
  /** The interpreter's version is the runtime's. */
  exact: boolean;
}

/**
 * The interpreter for a runtime. One the user named (--runtime-path) is always taken;
 * else the first that honours the version and runs our client; else, what runs instead: Node's own
 * (the emulator's) for nodejs, the nearest Python version (the lower on a tie) for python.
 */
export function chooseInterpreter(w: RuntimeWanted, candidates: readonly Interpreter[]): Choice {
  if (w.family === 'provided') return { exact: true };
  const explicit = candidates.find((c) => c.explicit);
  if (explicit) return { interpreter: explicit, exact: honours(w, explicit.version) };
  const usable = candidates.filter((c) => c.family === w.family && clientRuns(c.family, c.version));
  const exact = usable.find((c) => honours(w, c.version));
  if (exact) return { interpreter: exact, exact: true };
  if (w.family === 'nodejs') return { interpreter: usable.find((c) => c.source === EMULATOR_NODE) ?? usable[0], exact: false };
  const distance = (c: Interpreter): number => Math.abs(minorNumber(minorOf(c.version) ?? '') - minorNumber(w.minor));
  const nearest = [...usable].sort((a, b) => distance(a) - distance(b) || compareVersions(a.version, b.version))[0];
  return { interpreter: nearest, exact: false };
}

export const EMULATOR_NODE = "the emulator's Node";

/** `3.12` → 12 (the minor number). */
function minorNumber(minor: string): number {
  return Number(minor.split('.')[1] ?? NaN);
}

export interface RuntimeProblemInput {
  runtime: string;
  wanted: RuntimeWanted;
  choice: Choice;
  /** The function's `x86_64` | `arm64`. */
  architecture: string;
  /** process.arch of this machine. */
  hostArch: string;
  /** --fetch-runtimes is on (so a missing Node major was fetched, or could not be). */
  fetch: boolean;
}

/**
 * What cannot be honoured for a function's runtime, in one sentence, or undefined when it all can:
 * the interpreter's version (and what runs instead, and how to get the right one) and the architecture.
 */
export function runtimeProblem(i: RuntimeProblemInput): string | undefined {
  const parts: string[] = [];
  const { interpreter } = i.choice;
  const label = wantedLabel(i.wanted);
  if (i.wanted.family !== 'provided' && !interpreter) {
    parts.push(`no ${i.wanted.family === 'nodejs' ? 'Node' : 'Python 3'} interpreter found to run ${i.runtime}: ${howToGet(i)}; invoking it returns Runtime.InvalidRuntime`);
  } else if (interpreter && !i.choice.exact) {
    const name = i.wanted.family === 'nodejs' ? 'Node' : 'Python';
    parts.push(`${i.runtime} runs on ${name} ${interpreter.version} (${interpreter.path}, ${interpreter.source}), not ${label}: ${howToGet(i)}`);
  }
  if (nodeArch(i.architecture) !== i.hostArch) {
    const host = i.hostArch === 'arm64' ? 'arm64' : i.hostArch === 'x64' ? 'x86_64' : i.hostArch;
    parts.push(`Architectures ${i.architecture} runs as ${host} (this machine's architecture): native code built for ${i.architecture} fails here, and code built here may fail on Lambda`);
  }
  return parts.length ? parts.join('; ') : undefined;
}

function howToGet(i: RuntimeProblemInput): string {
  if (i.wanted.family === 'nodejs') {
    const fetch = i.fetch ? ' (--fetch-runtimes could not fetch it: see above)' : ', or start with --fetch-runtimes to fetch it from the npm registry';
    return `install Node ${i.wanted.major} (nvm, fnm, volta, asdf, mise) or pass --runtime-path ${i.runtime}=/path/to/node${fetch}`;
  }
  if (i.wanted.family === 'python') {
    return `install Python ${i.wanted.minor} (pyenv, uv, asdf, mise or your system's packages) or pass --runtime-path ${i.runtime}=/path/to/python${i.wanted.minor}`;
  }
  return '';
}
