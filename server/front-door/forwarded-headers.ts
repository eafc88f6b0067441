// The header pairs an integration sees (pure): the client's, minus those the door drops and those it
// sets itself, named the door's way, then API Gateway's own X-Amzn-Trace-Id and X-Forwarded-* (the
// client's X-Forwarded-For kept in front of its address).
import type { RequestView } from './request-view.ts';

const OWN = new Set(['x-amzn-trace-id', 'x-forwarded-port', 'x-forwarded-proto', 'x-forwarded-for']);

export function forwardedHeaders(
  view: RequestView,
  opts: { dropped: ReadonlySet<string>; name: (header: string, lower: string) => string; traceId: string; port: string },
): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let forwardedFor: string | undefined;
  for (const [k, v] of view.headers) {
    const lower = k.toLowerCase();
    if (opts.dropped.has(lower)) continue;
    if (OWN.has(lower)) {
      if (lower === 'x-forwarded-for') forwardedFor = forwardedFor === undefined ? v : `${forwardedFor}, ${v}`;
      continue;
    }
    out.push([opts.name(k, lower), v]);
  }
  const own = (n: string): string => opts.name(n, n.toLowerCase());
  out.push([own('X-Amzn-Trace-Id'), opts.traceId]);
  out.push([own('X-Forwarded-For'), forwardedFor === undefined ? view.sourceIp : `${forwardedFor}, ${view.sourceIp}`]);
  out.push([own('X-Forwarded-Port'), opts.port]);
  out.push([own('X-Forwarded-Proto'), 'http']);
  return out;
}
