// The front door as one feature module of the app: builds it from the template, registers the
// function URL configuration API and /_ephemera/http-requests on the main app, and (with --watch)
// reloads routes when the template changes. app.ts calls wireFrontDoor and closes what it returns.
import type { FastifyInstance } from 'fastify';
import type { LoadedTemplate, TemplateWarning } from '../model.ts';
import { FrontDoor, type FrontDoorDeps } from './front-door.ts';
import { registerFunctionUrlRoutes } from './function-url-routes.ts';
import { TemplateWatcher } from './template-watcher.ts';

export interface FrontDoorModule {
  frontDoor: FrontDoor;
  /** Template problems about APIs and function URLs (for the one start-up warning). */
  warnings: TemplateWarning[];
  /** --watch: the template watcher. */
  watcher?: TemplateWatcher;
  close(): Promise<void>;
}

export function wireFrontDoor(deps: FrontDoorDeps & {
  app: FastifyInstance;
  template: LoadedTemplate;
  /** Loads the template again (--watch). */
  reloadTemplate: () => LoadedTemplate;
  watch: boolean;
}): FrontDoorModule {
  const frontDoor = new FrontDoor(deps);
  const warnings = frontDoor.load(deps.template);
  registerFunctionUrlRoutes(deps.app, deps.registry, frontDoor);
  const watcher = deps.watch
    ? new TemplateWatcher([deps.template.path], () => {
      const problems = frontDoor.load(deps.reloadTemplate());
      for (const w of problems) deps.logger.warn(`${w.resource}: ${w.message}`);
      const d = frontDoor.describe();
      return `${d.apis.length} API${d.apis.length === 1 ? '' : 's'}, ${d.apis.reduce((n, a) => n + a.routes.length, 0)} routes, ${d.functionUrls.length} function URLs`;
    }, deps.logger)
    : undefined;
  return {
    frontDoor, warnings, watcher,
    close: async () => {
      await watcher?.close();
      await frontDoor.close();
    },
  };
}
