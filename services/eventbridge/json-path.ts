// The JSONPath EventBridge targets use (InputPath, InputPathsMap): `$`, `$.a.b`, `$.a[0]`, `$['a b']`.
// Pure; a path that does not resolve gives undefined.

type Step = string | number;

/** The steps of a path, or undefined when it is not one this subset reads. */
export function parseJsonPath(path: string): Step[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const steps: Step[] = [];
  let i = 1;
  while (i < path.length) {
    if (path[i] === '.') {
      const m = /^[^.[\]]+/.exec(path.slice(i + 1));
      if (!m) return undefined;
      steps.push(m[0]);
      i += 1 + m[0].length;
    } else if (path[i] === '[') {
      const m = /^\[(?:(\d+)|'([^']*)'|"([^"]*)")\]/.exec(path.slice(i));
      if (!m) return undefined;
      steps.push(m[1] !== undefined ? Number(m[1]) : (m[2] ?? m[3]));
      i += m[0].length;
    } else {
      return undefined;
    }
  }
  return steps;
}

export function readJsonPath(value: unknown, path: string): unknown {
  const steps = parseJsonPath(path);
  if (!steps) return undefined;
  let v = value;
  for (const step of steps) {
    if (typeof step === 'number') v = Array.isArray(v) ? v[step] : undefined;
    else v = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[step] : undefined;
    if (v === undefined) return undefined;
  }
  return v;
}
