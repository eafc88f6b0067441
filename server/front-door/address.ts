// How a request on the front door's port finds its API or function URL (pure): by Host
// (`<api-id>.execute-api.localhost`, `<url-id>.lambda-url.<region>.localhost`: AWS's own addresses,
// which resolve to loopback with no DNS set-up in browsers and curl), by a leading `/<api-id>` path
// segment (for clients that cannot resolve *.localhost, e.g. Node's fetch), or, with a single API, at the root.

export type Address =
  | { kind: 'api'; apiId: string; /** Path after the API id; the stage comes next (as on AWS). */ path: string; staged: true }
  | { kind: 'api'; apiId: string; /** Root addressing: the stage-less path. */ path: string; staged: false }
  | { kind: 'url'; urlId: string }
  | { kind: 'unknown-host-api'; apiId: string }
  | { kind: 'none' };

const API_HOST = /^([a-z0-9]{10})\.execute-api(?:\.[a-z0-9-]+)?\.localhost\.?$/;
const URL_HOST = /^([a-z0-9]{32})\.lambda-url\.[a-z0-9-]+\.localhost\.?$/;

/** Host header → hostname (lower case, port and IPv6 brackets handled). */
export function hostnameOf(host: string | undefined): string {
  if (!host) return '';
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

export function resolveAddress(host: string | undefined, rawPath: string, apiIds: ReadonlySet<string>, singleApi: string | undefined): Address {
  const hostname = hostnameOf(host);
  const api = API_HOST.exec(hostname);
  if (api) return apiIds.has(api[1]) ? { kind: 'api', apiId: api[1], path: rawPath, staged: true } : { kind: 'unknown-host-api', apiId: api[1] };
  const url = URL_HOST.exec(hostname);
  if (url) return { kind: 'url', urlId: url[1] };
  const first = /^\/([a-z0-9]{10})(?=\/|$)/.exec(rawPath);
  if (first && apiIds.has(first[1])) return { kind: 'api', apiId: first[1], path: rawPath.slice(first[0].length) || '/', staged: true };
  if (singleApi !== undefined) return { kind: 'api', apiId: singleApi, path: rawPath, staged: false };
  return { kind: 'none' };
}

/**
 * Staged addressing: the first segment must be the API's stage (REST always; HTTP APIs unless `$default`).
 * Returns the stage-less path, or undefined when the stage does not match.
 */
export function stripStage(path: string, stage: string): string | undefined {
  if (stage === '$default') return path;
  const prefix = `/${stage}`;
  if (path === prefix) return '/';
  return path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : undefined;
}
