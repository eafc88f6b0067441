// What a Lambda runtime identifier asks for: the language family and the version of its interpreter
// (`nodejs22.x` → Node 22, `python3.12` → Python 3.12), and how an interpreter's version compares.
// Pure: no I/O.

export type RuntimeWanted =
  | { family: 'nodejs'; major: number }
  | { family: 'python'; minor: string }
  | { family: 'provided' };

/** `nodejs22.x` → Node 22; `python3.12` → Python 3.12; `provided.al2023` → the function's own bootstrap. */
export function wantedBy(runtime: string): RuntimeWanted | undefined {
  const node = /^nodejs(\d+)\.x$/.exec(runtime);
  if (node) return { family: 'nodejs', major: Number(node[1]) };
  const python = /^python(3\.\d+)$/.exec(runtime);
  if (python) return { family: 'python', minor: python[1] };
  if (/^provided(\.al2|\.al2023)?$/.test(runtime)) return { family: 'provided' };
  return undefined;
}

/** `Node 22`, `Python 3.12`: how messages name what a runtime asks for. */
export function wantedLabel(w: RuntimeWanted): string {
  if (w.family === 'nodejs') return `Node ${w.major}`;
  if (w.family === 'python') return `Python ${w.minor}`;
  return 'its bootstrap';
}

/** Does an interpreter of `version` (`22.23.5`, `3.12.1`) honour the runtime? */
export function honours(w: RuntimeWanted, version: string): boolean {
  if (w.family === 'nodejs') return majorOf(version) === w.major;
  if (w.family === 'python') return minorOf(version) === w.minor;
  return true;
}

export function majorOf(version: string): number {
  return Number(/^v?(\d+)/.exec(version)?.[1] ?? NaN);
}

/** `3.12.1` → `3.12`. */
export function minorOf(version: string): string | undefined {
  return /^(\d+\.\d+)/.exec(version)?.[1];
}

/** Compares dotted versions numerically (`22.9.0` < `22.23.5`). */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split('.').map(Number);
  const pb = b.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The lowest interpreter version our runtime clients run on: the Node client needs
 * process.getBuiltinModule (20.16 and 22.3; Node 18 gets a fallback for it), the Python client 3.8.
 */
export function clientRuns(family: 'nodejs' | 'python', version: string): boolean {
  if (family === 'python') return compareVersions(version, '3.8') >= 0;
  return compareVersions(version, '18.19') >= 0;
}

/** The Node architecture name of a Lambda architecture (`x86_64` → `x64`). */
export function nodeArch(architecture: string): string {
  return architecture === 'arm64' ? 'arm64' : 'x64';
}
