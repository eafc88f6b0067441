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

/** Routes only: what it shows is owned by the invocation core, the front door and the base's sinks. */
export function webView(base: Base, core: InvocationCore, frontDoor: FrontDoorFeature): Feature {
  const { registry, pool, metrics } = core;
  const door = frontDoor.frontDoor;
  return {
    routes(app: FastifyInstance): void {
      registerInternalRoutes(app, {
        registry, pool, isolation: base.isolation, metrics, version: VERSION, frontDoor: () => door.describe(), sandboxPool: () => core.sandboxes.describe(),
      });
      registerWebViewRoutes(app, { events: base.events, history: base.history });
    },
  };
}
