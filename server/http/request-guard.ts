// The request guard: which HTTP requests a listener answers at all. No web page on another origin
// (CSRF: a fetch or a form post) and no DNS-rebinding page may drive the emulator; SDKs, the aws CLI,
// boto3 and curl send no Origin and pass. Pure decisions (hostAllowed, originAllowed, refusal) plus
// the node:http adapter `RequestGuard` (refuse / wrap), which also fits fastify's serverFactory:
//
//   const guard = new RequestGuard({ allowedHosts: options.allowedHosts, checkOrigin: true }, logger);
//   createServer((req, res) => { if (!guard.refuse(req, res)) handle(req, res); });   // or guard.wrap(handle)
//
// `checkOrigin: false` is the Host-only mode for listeners that serve a user's own HTTP API (API
// Gateway, function URLs): Host is checked, Origin is left to that API's CORS configuration.
//
// The rules (docs/security.md):
// - Host (or HTTP/2 `:authority`) must be an IP literal, `localhost`, `*.localhost`, or a name in
//   --allowed-hosts (`name` exactly, `.name` the name and its subdomains, as in Vite and
//   webpack-dev-server; `*` any host). A request without Host is refused (as Vite does).
// - Origin, when sent, must be the request's own origin (http or https, the Host's name and port)
//   or have a host name listed in --allowed-hosts (`*` does not count: it turns off only the Host
//   check). `Origin: null` is refused.
// - Without Origin, `Sec-Fetch-Site: same-site|cross-site` (a browser's no-cors request from
//   another origin, e.g. `<img src>` or a link) is refused, except a top-level GET of the web view
//   page itself (`/_ephemera/`: a link to it has no side effect; a frame of it is refused).
import { isIP } from 'node:net';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { AccessDeniedException } from '../errors.ts';
import { renderApiError } from './error-handler.ts';

/** Parsed --allowed-hosts: `*`, exact names, and `.suffix` entries (the name and its subdomains). */
export interface AllowedHosts {
  any: boolean;
  names: ReadonlySet<string>;
  suffixes: readonly string[];
}

export interface GuardPolicy {
  /** The --allowed-hosts entries, normalised (lower case): `name`, `.name` or `*`. */
  allowedHosts: readonly string[];
  /** Also refuse requests a browser sent from another origin; false for a user's own HTTP API (CORS decides). */
  checkOrigin: boolean;
}

/** What the guard reads of a request (a node:http or HTTP/2 compat request fits). */
export interface GuardRequest {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
}

export function allowedHosts(entries: readonly string[]): AllowedHosts {
  const names = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of entries) {
    if (entry.startsWith('.')) {
      names.add(entry.slice(1));
      suffixes.push(entry);
    } else if (entry !== '*') names.add(entry);
  }
  return { any: entries.includes('*'), names, suffixes };
}

/** The problem with one --allowed-hosts entry, or undefined when it is a usable name. */
export function allowedHostProblem(entry: string): string | undefined {
  if (entry === '*') return undefined;
  if (entry.startsWith('*.')) return `'${entry}': write '${entry.slice(1)}' for a name and all its subdomains`;
  if (!/^\.?[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?$/.test(entry) || entry.includes('..')) {
    return `'${entry}' is not a host name (give names without scheme, port or path)`;
  }
  return undefined;
}

/** The lower-case host name of a Host header value (`name`, `name:port`, `[v6]:port`); undefined when malformed. */
export function hostnameOf(host: string): string | undefined {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 0 && (end === h.length - 1 || /^:\d+$/.test(h.slice(end + 1))) ? h.slice(1, end) : undefined;
  }
  const colon = h.indexOf(':');
  if (colon >= 0 && !/^\d+$/.test(h.slice(colon + 1))) return undefined;
  const name = colon < 0 ? h : h.slice(0, colon);
  // `name.` is the same DNS name as `name`.
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

function nameListed(name: string, allowed: AllowedHosts): boolean {
  return allowed.names.has(name) || allowed.suffixes.some((s) => name.endsWith(s));
}

/** May a request addressed to this Host be answered? (DNS rebinding cannot produce an IP literal or localhost.) */
export function hostAllowed(host: string | undefined, allowed: AllowedHosts): boolean {
  if (host === undefined) return false;
  if (allowed.any) return true;
  const name = hostnameOf(host);
  if (!name) return false;
  if (isIP(name) !== 0 || name === 'localhost' || name.endsWith('.localhost')) return true;
  return nameListed(name, allowed);
}

/** May a page of this origin drive the listener that was addressed as `host`? */
export function originAllowed(origin: string, host: string, allowed: AllowedHosts): boolean {
  const o = origin.trim().toLowerCase();
  const h = host.trim().toLowerCase();
  if (o === `http://${h}` || o === `https://${h}`) return true;
  const m = /^https?:\/\/([^/?#@]+)$/.exec(o);
  const name = m ? hostnameOf(m[1]) : undefined;
  return name !== undefined && nameListed(name, allowed);
}

const WEB_VIEW_PAGES = new Set(['/_ephemera', '/_ephemera/']);
const ENV = 'EPHEMERA_ALLOWED_HOSTS';

/** Why this request is refused, or undefined when it may be answered. */
export function refusal(req: GuardRequest, policy: GuardPolicy, allowed: AllowedHosts = allowedHosts(policy.allowedHosts)): string | undefined {
  const { headers } = req;
  const host = headers.host ?? (headers[':authority'] as string | undefined);
  if (host === undefined) {
    return 'Refused a request without a Host header: ephemera answers requests addressed to localhost, an IP address, '
      + `or a name given to --allowed-hosts (${ENV}).`;
  }
  if (!hostAllowed(host, allowed)) {
    const name = hostnameOf(host) ?? host;
    return `Refused a request for Host "${host}" (DNS-rebinding protection): ephemera answers requests addressed to localhost, `
      + `*.localhost, an IP address, or a name given to --allowed-hosts. To allow this name, start ephemera with `
      + `--allowed-hosts ${name} (or ${ENV}=${name}).`;
  }
  if (!policy.checkOrigin) return undefined;
  const origin = headers.origin;
  if (origin !== undefined) {
    if (origin === 'null') {
      return 'Refused a request from a page with an opaque origin (Origin: null: a sandboxed frame, a file:// page or a '
        + 'cross-origin redirect): web pages on other origins may not drive ephemera (CSRF protection). Open the page '
        + 'from ephemera\'s own address or from a host given to --allowed-hosts.';
    }
    if (originAllowed(origin, host, allowed)) return undefined;
    const name = /^https?:\/\/([^/?#@]+)$/i.exec(origin.trim());
    const hint = name && hostnameOf(name[1]) ? hostnameOf(name[1]) : undefined;
    return `Refused a request from the web page at ${origin}: web pages on other origins may not drive ephemera (CSRF protection). `
      + (hint ? `To trust pages served from that host, start ephemera with --allowed-hosts ${hint} (or ${ENV}=${hint}).` : '');
  }
  const site = headers['sec-fetch-site'];
  if (site === undefined || site === 'same-origin' || site === 'none') return undefined;
  // A link to the web view (top-level only: a frame could be clickjacked).
  if ((req.method === 'GET' || req.method === 'HEAD') && headers['sec-fetch-mode'] === 'navigate' && headers['sec-fetch-dest'] === 'document'
    && WEB_VIEW_PAGES.has(pathOf(req.url))) {
    return undefined;
  }
  return `Refused a request a web page on another site made (Sec-Fetch-Site: ${site}): web pages on other origins may not `
    + 'drive ephemera (CSRF protection). Open the web view at ephemera\'s own address instead.';
}

function pathOf(url = '/'): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** Host header values already admitted (the hot path sends the same one each time); bounded. */
const ADMITTED_CAPACITY = 256;

/** The guard in front of a node:http (or HTTP/2 compat) handler: answers refused requests with 403 and logs them. */
export class RequestGuard {
  private readonly policy: GuardPolicy;
  private readonly allowed: AllowedHosts;
  private readonly log: Logger;
  private readonly admittedHosts = new Set<string>();

  constructor(policy: GuardPolicy, log: Logger) {
    this.policy = policy;
    this.allowed = allowedHosts(policy.allowedHosts);
    this.log = log;
  }

  /** Why `req` is refused, or undefined. Costs a Set lookup for a request from an SDK or CLI. */
  check(req: GuardRequest): string | undefined {
    const { headers } = req;
    const host = headers.host ?? (headers[':authority'] as string | undefined);
    if (host !== undefined && headers.origin === undefined && headers['sec-fetch-site'] === undefined && this.admittedHosts.has(host)) return undefined;
    const why = refusal(req, this.policy, this.allowed);
    if (why === undefined && host !== undefined && this.admittedHosts.size < ADMITTED_CAPACITY) this.admittedHosts.add(host);
    return why;
  }

  /** Answer 403 and return true when `req` is refused; false (nothing sent) when it may be handled. */
  refuse(req: IncomingMessage, res: ServerResponse): boolean {
    const why = this.check(req);
    if (why === undefined) return false;
    this.log.warn({ method: req.method, path: pathOf(req.url), host: req.headers.host ?? req.headers[':authority'], origin: req.headers.origin, secFetchSite: req.headers['sec-fetch-site'] }, why);
    const answer = renderApiError(new RequestRefusedException(why));
    res.writeHead(answer.status, { ...answer.headers, 'Content-Length': Buffer.byteLength(answer.body) });
    res.end(answer.body);
    return true;
  }

  /** `handler` behind the guard (e.g. inside fastify's serverFactory, or for h2c). */
  wrap(handler: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => {
      if (!this.refuse(req, res)) handler(req, res);
    };
  }
}

/** 403 AccessDeniedException, with `__type` too so JSON-protocol clients (SQS, Kinesis) name it. */
class RequestRefusedException extends AccessDeniedException {
  override readonly extra = { __type: 'AccessDeniedException' };
  override get wireType(): string {
    return 'AccessDeniedException';
  }
}
