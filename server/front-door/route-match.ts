// Route selection as API Gateway does it (pure): path templates (`/pets/{id}`, `/{proxy+}`) are
// matched whole; the most specific template wins segment by segment (literal, then `{param}`, then
// `{greedy+}`), among those with a route for the method (an explicit method beats ANY on the same path);
// HTTP APIs fall back to `$default`. Trailing slashes are ignored for matching.

export interface RouteLike {
  method: string;
  path: string;
}

type Segment = { kind: 0; text: string } | { kind: 1; name: string } | { kind: 2; name: string };

interface Compiled<R> {
  route: R;
  segments: Segment[];
}

export type Selection<R> =
  | { kind: 'route'; route: R; pathParameters: Record<string, string> }
  | { kind: 'none' };

export class RouteTable<R extends RouteLike> {
  private readonly compiled: Compiled<R>[] = [];
  private readonly fallback: R[] = [];

  constructor(routes: readonly R[]) {
    for (const route of routes) {
      if (route.path === '$default') this.fallback.push(route);
      else this.compiled.push({ route, segments: parseTemplate(route.path) });
    }
  }

  /** The route for `method` and the (percent-encoded, stage-less) `path`. */
  select(method: string, path: string): Selection<R> {
    const parts = splitPath(path);
    let best: { c: Compiled<R>; params: Record<string, string> } | undefined;
    for (const c of this.compiled) {
      if (c.route.method !== method && c.route.method !== 'ANY') continue;
      const params = matchSegments(c.segments, parts);
      if (!params) continue;
      if (!best || compareSpecificity(c, best.c) < 0) best = { c, params };
    }
    if (best) return { kind: 'route', route: best.c.route, pathParameters: best.params };
    const fallback = this.fallback.find((r) => r.method === method) ?? this.fallback.find((r) => r.method === 'ANY');
    return fallback ? { kind: 'route', route: fallback, pathParameters: {} } : { kind: 'none' };
  }

  /** Every template matching `path` whatever the method (REST CORS preflight: the path's methods). */
  methodsAt(path: string): string[] {
    const parts = splitPath(path);
    const out = new Set<string>();
    let bestSegments: Segment[] | undefined;
    for (const c of this.compiled) {
      if (!matchSegments(c.segments, parts)) continue;
      if (!bestSegments || compareSegments(c.segments, bestSegments) < 0) {
        bestSegments = c.segments;
        out.clear();
      }
      if (compareSegments(c.segments, bestSegments) === 0) out.add(c.route.method);
    }
    return [...out];
  }
}

/** `/pets/{id}/{proxy+}` → segments; the greedy one must be last (API Gateway rejects it elsewhere). */
export function parseTemplate(path: string): Segment[] {
  return splitPath(path).map((s): Segment => {
    const m = /^\{([^{}]+?)(\+)?\}$/.exec(s);
    if (!m) return { kind: 0, text: s };
    return m[2] ? { kind: 2, name: m[1] } : { kind: 1, name: m[1] };
  });
}

/** Path segments; a trailing slash does not count, inner empty segments (`a//b`) do. */
export function splitPath(path: string): string[] {
  let p = path.startsWith('/') ? path.slice(1) : path;
  if (p.endsWith('/')) p = p.slice(0, -1);
  return p === '' ? [] : p.split('/');
}

function matchSegments(template: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const seg = template[i];
    if (seg.kind === 2) {
      // Greedy: one or more segments, the rest of the path.
      if (i >= parts.length) return undefined;
      params[seg.name] = parts.slice(i).join('/');
      return params;
    }
    if (i >= parts.length) return undefined;
    if (seg.kind === 0) {
      if (seg.text !== parts[i]) return undefined;
    } else {
      if (parts[i] === '') return undefined;
      params[seg.name] = parts[i];
    }
  }
  return template.length === parts.length ? params : undefined;
}

function compareSegments(a: Segment[], b: Segment[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i].kind !== b[i].kind) return a[i].kind - b[i].kind;
  // Same kinds over the common part: the longer (more literal segments matched) wins.
  return b.length - a.length;
}

function compareSpecificity<R extends RouteLike>(a: Compiled<R>, b: Compiled<R>): number {
  const bySegments = compareSegments(a.segments, b.segments);
  if (bySegments !== 0) return bySegments;
  // Same template: an explicit method beats ANY.
  return (a.route.method === 'ANY' ? 1 : 0) - (b.route.method === 'ANY' ? 1 : 0);
}
