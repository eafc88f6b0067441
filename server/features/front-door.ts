// The HTTP front door (server/front-door/) as a feature: API Gateway REST/HTTP APIs and function URLs
// from the template on their own port (--api-port; main.ts listens), the function URL configuration
// API and /_ephemera/http-requests on the main port, and (with --watch) routes reloaded when the
// template changes.
import type { FastifyInstance } from 'fastify';
import { FrontDoor } from '../front-door/front-door.ts';
import { registerFunctionUrlRoutes } from '../front-door/function-url-routes.ts';
import { TemplateWatcher } from '../front-door/template-watcher.ts';
import { guardPolicy } from '../http/bind-address.ts';
import type { Registry } from '../registry/registry.ts';
import type { Base } from './base.ts';
import type { DurableFunctionsFeature } from './durable-functions.ts';
import type { Feature } from './feature.ts';
import type { InvocationCore } from './invocation-core.ts';

export class FrontDoorFeature implements Feature {
  readonly frontDoor: FrontDoor;
  /** --watch: the template watcher. */
  readonly watcher: TemplateWatcher | undefined;
  private readonly registry: Registry;

  constructor(base: Base, core: InvocationCore, durable: DurableFunctionsFeature) {
    const { options, logger, account } = base;
    this.registry = core.registry;
    this.frontDoor = new FrontDoor({
      registry: core.registry, invoker: durable.door, events: base.events, clock: base.clock, logger, ...account, guardPolicy: guardPolicy(options),
    });
    base.warnings.add(this.frontDoor.load(base.template));
    this.watcher = options.watch
      ? new TemplateWatcher([base.template.path], () => {
        const problems = this.frontDoor.load(base.reloadTemplate());
        for (const w of problems) logger.warn(`${w.resource}: ${w.message}`);
        const d = this.frontDoor.describe();
        return `${d.apis.length} API${d.apis.length === 1 ? '' : 's'}, ${d.apis.reduce((n, a) => n + a.routes.length, 0)} routes, ${d.functionUrls.length} function URLs`;
      }, logger)
      : undefined;
  }

  routes(app: FastifyInstance): void {
    registerFunctionUrlRoutes(app, this.registry, this.frontDoor);
  }

  async close(): Promise<void> {
    await this.watcher?.close();
    await this.frontDoor.close();
  }
}
