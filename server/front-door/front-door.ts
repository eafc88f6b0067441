// The HTTP front door as one feature module: API Gateway REST and HTTP APIs and function URLs from
// the template (and the URL config API), served on --api-port and one port per function URL, every
// request through the invocation service. app.ts builds it; main.ts calls listen().
import type { IncomingMessage, Server } from 'node:http';
import type { Logger } from 'pino';
import type { EventBus } from '../events/event-bus.ts';
import type { SyncInvoker } from '../invoke/invocation-service.ts';
import type { LoadedTemplate, TemplateWarning } from '../model.ts';
import type { Registry } from '../registry/registry.ts';
import type { FrontDoorDefinition } from '../template/api-model.ts';
import { frontDoorDefinition } from '../template/apis.ts';
import { resolveAddress, stripStage } from './address.ts';
import { type GuardPolicy, RequestGuard } from '../http/request-guard.ts';
import { handleApiRequest, type RequestOutcome, serveApi, type ServedApi } from './api-request.ts';
import { Authorizer } from './auth/authorize.ts';
import { type Clock, systemClock } from '../../lib/clock.ts';
import { closeServer, createFrontDoorServer, listen } from './front-door-server.ts';
import { handleUrlRequest } from './function-url-request.ts';
import { FunctionUrlStore, type FunctionUrlRecord } from './function-url-store.ts';
import { failureReply, type GatewayReply, type Door } from './gateway-reply.ts';
import { InvokeBridge } from './invoke-bridge.ts';
import { RequestLog } from './request-log.ts';
import { headerValue, type RequestView } from './request-view.ts';
import { describeFrontDoor, type FrontDoorDescription, urlHost } from './describe.ts';

export interface FrontDoorDeps {
  registry: Registry;
  invoker: SyncInvoker;
  events: EventBus;
  logger: Logger;
  region: string;
  accountId: string;
  clock?: Clock;
  /** The main port's guard policy (--allowed-hosts): the front door applies its Host check, not its Origin check. */
  guardPolicy: GuardPolicy;
}

const json = (status: number, body: unknown): GatewayReply => ({ status, headers: [['Content-Type', 'application/json']], body: Buffer.from(JSON.stringify(body)) });

export class FrontDoor {
  readonly urls = new FunctionUrlStore();
  readonly requests: RequestLog;
  private readonly deps: FrontDoorDeps;
  private readonly bridge: InvokeBridge;
  private readonly authorizer: Authorizer;
  private readonly guard: RequestGuard;
  private apis = new Map<string, ServedApi>();
  private apiIds: ReadonlySet<string> = new Set();
  private templateUrls: FunctionUrlRecord[] = [];
  private apiServer: Server | undefined;
  private apiPort: number | undefined;
  private host = '127.0.0.1';
  private readonly urlServers = new Map<string, { server: Server; port: number; ready: Promise<void> }>();
  private listening = false;

  constructor(deps: FrontDoorDeps) {
    this.deps = deps;
    const clock = deps.clock ?? systemClock;
    this.requests = new RequestLog(100, deps.events);
    // Browsers of other origins call a user's API by design: its CORS configuration decides, as on AWS.
    this.guard = new RequestGuard({ ...deps.guardPolicy, checkOrigin: false }, deps.logger);
    this.bridge = new InvokeBridge({ registry: deps.registry, invoker: deps.invoker, clock, logger: deps.logger });
    this.authorizer = new Authorizer({ bridge: this.bridge, clock, accountId: deps.accountId, logger: deps.logger });
    // A function URL configuration goes with its function or alias (AWS deletes it with them).
    deps.registry.onDeleted((name, alias) => {
      for (const record of this.urls.ofFunction(name)) if (alias === undefined || record.qualifier === alias) this.urls.remove(record);
    });
    this.urls.onChange((change) => {
      if (!this.listening) return;
      if (change.kind === 'added') void this.openUrl(change.record).catch((err: unknown) => deps.logger.error({ err }, 'function URL: cannot listen'));
      else void this.closeUrl(change.record.urlId);
    });
  }

  /** (Re)load the template's APIs and function URLs; returns the template problems found. */
  load(template: LoadedTemplate): TemplateWarning[] {
    const { definition, warnings } = frontDoorDefinition(template);
    this.apply(definition);
    return warnings;
  }

  /** Whether the template declares anything to serve (the API port opens only then). */
  get hasApis(): boolean {
    return this.apis.size > 0 || this.urls.all().length > 0;
  }

  private apply(definition: FrontDoorDefinition): void {
    this.apis = new Map(definition.apis.map((a) => [a.id, serveApi(a)]));
    this.apiIds = new Set(this.apis.keys());
    this.authorizer.reset();
    for (const old of this.templateUrls) this.urls.remove(old);
    this.templateUrls = [];
    for (const u of definition.functionUrls) {
      if (this.urls.get(u.target.name, u.target.qualifier)) continue;
      this.templateUrls.push(this.urls.add({
        functionName: u.target.name, qualifier: u.target.qualifier, authType: u.authType, cors: u.cors, invokeMode: u.invokeMode,
        invokeModeGiven: true,
      }));
    }
  }

  /** Open the API port (when there is something to serve) and each function URL's port. */
  async listen(host: string, apiPort: number): Promise<void> {
    this.host = host;
    this.listening = true;
    if (this.hasApis) {
      this.apiServer = createFrontDoorServer({ door: (req) => this.doorOf(req), handle: (view, req) => this.dispatch(view, req, undefined) }, (err) => this.deps.logger.error({ err }, 'front door: unexpected error'), this.guard);
      this.apiPort = await listen(this.apiServer, host, apiPort);
    }
    for (const record of this.urls.all()) await this.openUrl(record);
  }

  describe(): FrontDoorDescription {
    return describeFrontDoor({
      apis: [...this.apis.values()].map((a) => a.def), urls: this.urls.all(), apiPort: this.apiPort, host: this.host,
      urlPort: (id) => this.urlServers.get(id)?.port, region: this.deps.region,
    });
  }

  /** The FunctionUrl of a configuration (its own port), as GetFunctionUrlConfig returns it. */
  async functionUrl(record: FunctionUrlRecord): Promise<string> {
    await this.urlServers.get(record.urlId)?.ready.catch(() => undefined);
    const port = this.urlServers.get(record.urlId)?.port || undefined;
    if (port !== undefined) return `http://${urlHost(this.host)}:${port}/`;
    // Not listening (ephemera invoke, or before listen): AWS's own shape.
    return `https://${record.urlId}.lambda-url.${this.deps.region}.on.aws/`;
  }

  async close(): Promise<void> {
    this.listening = false;
    const servers = [...this.urlServers.values()].map((s) => s.server);
    this.urlServers.clear();
    if (this.apiServer) servers.push(this.apiServer);
    await Promise.all(servers.map(closeServer));
  }

  private async openUrl(record: FunctionUrlRecord): Promise<void> {
    if (this.urlServers.has(record.urlId)) return;
    const server = createFrontDoorServer({ door: () => 'URL', handle: (view, req) => this.dispatch(view, req, record.urlId) }, (err) => this.deps.logger.error({ err }, 'function URL: unexpected error'), this.guard);
    const entry = { server, port: 0, ready: listen(server, this.host, 0).then((port) => void (entry.port = port)) };
    this.urlServers.set(record.urlId, entry);
    await entry.ready;
  }

  private async closeUrl(urlId: string): Promise<void> {
    const entry = this.urlServers.get(urlId);
    this.urlServers.delete(urlId);
    if (entry) await closeServer(entry.server);
  }

  private doorOf(req: IncomingMessage): Door {
    const address = resolveAddress(req.headers.host, req.url ?? '/', this.apiIds, this.singleApi());
    return address.kind === 'url' ? 'URL' : address.kind === 'api' ? this.apis.get(address.apiId)!.def.kind : 'HTTP';
  }

  private singleApi(): string | undefined {
    return this.apis.size === 1 ? this.apis.keys().next().value : undefined;
  }

  private async dispatch(view: RequestView, req: IncomingMessage, ownUrl: string | undefined): Promise<GatewayReply> {
    const started = performance.now();
    const host = headerValue(view, 'host');
    const port = String(req.socket.localPort ?? '');
    const { outcome, door, target } = await this.serve(view, host, port, ownUrl);
    this.requests.add({
      type: 'http', at: view.receivedAt, door, target, method: view.method, path: view.rawQuery ? `${view.rawPath}?${view.rawQuery}` : view.rawPath,
      status: outcome.reply.status, route: outcome.route, invocationId: outcome.invocationId, durationMs: performance.now() - started, detail: outcome.detail,
    });
    return outcome.reply;
  }

  /** The API or function URL a request addresses, served. */
  private async serve(view: RequestView, host: string | undefined, port: string, ownUrl: string | undefined): Promise<{ outcome: RequestOutcome; door: Door; target: string }> {
    const domainName = host ?? `127.0.0.1:${port}`;
    const address = ownUrl !== undefined ? { kind: 'url' as const, urlId: ownUrl } : resolveAddress(host, view.rawPath, this.apiIds, this.singleApi());
    if (address.kind === 'url') {
      const url = this.urls.byUrlId(address.urlId);
      const outcome = url
        ? await handleUrlRequest({ bridge: this.bridge, accountId: this.deps.accountId, logger: this.deps.logger }, url, view, domainName, port)
        : { reply: failureReply('URL', 'no-route'), detail: `no function URL ${address.urlId}` };
      return { outcome, door: 'URL', target: url?.functionName ?? address.urlId };
    }
    if (address.kind === 'api') {
      const api = this.apis.get(address.apiId)!;
      const door = api.def.kind;
      const path = address.staged ? stripStage(address.path, api.def.stage) : address.path;
      const outcome = path === undefined
        ? { reply: door === 'REST' ? json(403, { message: 'Forbidden' }) : failureReply('HTTP', 'no-route'), detail: `stage is not ${api.def.stage}` }
        : await handleApiRequest({ bridge: this.bridge, authorizer: this.authorizer, accountId: this.deps.accountId, region: this.deps.region, logger: this.deps.logger },
          api, view, path, domainName, port);
      return { outcome, door, target: api.def.logicalId };
    }
    const hint = this.notFoundHint(address.kind === 'unknown-host-api' ? address.apiId : undefined);
    return { outcome: { reply: json(404, { message: 'Not Found', ephemera: hint }), detail: 'no API at this address' }, door: 'HTTP', target: '' };
  }

  private notFoundHint(apiId: string | undefined): Record<string, unknown> {
    const d = this.describe();
    return {
      reason: apiId ? `no API with id ${apiId} in this template` : 'several APIs share this port: address one by Host or by its id as the first path segment',
      apis: d.apis.map((a) => ({ name: a.logicalId, urls: a.urls })),
    };
  }
}
