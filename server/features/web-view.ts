// The emulator's view of itself: the web view page and the /_ephemera API it reads (health,
// environments, metrics, controls such as forcing a cold start, recent invocations, the live event feed).
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { registerInternalRoutes } from '../http/internal-routes.ts';
import { registerWebViewRoutes } from '../http/web-view-routes.ts';
import type { Base } from './base.ts';
import type { Feature } from './feature.ts';
import type { FrontDoorFeature } from './front-door.ts';
import type { InvocationCore } from './invocation-core.ts';

/** The emulator's version (package.json), as /_ephemera/health reports it. */
export const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export class WebView implements Feature {
  private readonly base: Base;
  private readonly core: InvocationCore;
  private readonly frontDoor: FrontDoorFeature;

  constructor(base: Base, core: InvocationCore, frontDoor: FrontDoorFeature) {
    this.base = base;
    this.core = core;
    this.frontDoor = frontDoor;
  }

  routes(app: FastifyInstance): void {
    const { registry, pool, metrics } = this.core;
    const frontDoor = this.frontDoor.frontDoor;
    registerInternalRoutes(app, { registry, pool, isolation: this.base.isolation, metrics, version: VERSION, frontDoor: () => frontDoor.describe() });
    registerWebViewRoutes(app, { events: this.base.events, history: this.base.history });
  }
}
