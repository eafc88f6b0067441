// The Lambda management API on the main port: functions (create, update, delete, configuration),
// versions and aliases, event invoke configs, reserved and provisioned concurrency (tags, which name
// functions and mappings alike, are mounted with the mappings). Everything it changes goes through the
// registry, which tells the environment pool.
import type { FastifyInstance } from 'fastify';
import { registerAliasRoutes } from '../http/alias-routes.ts';
import { registerConcurrencyRoutes } from '../http/concurrency-routes.ts';
import { registerEventInvokeConfigRoutes } from '../http/event-invoke-config-routes.ts';
import { registerFunctionWriteRoutes } from '../http/function-write-routes.ts';
import { registerManagementRoutes } from '../http/management-routes.ts';
import type { Base } from './base.ts';
import type { Feature } from './feature.ts';
import type { InvocationCore } from './invocation-core.ts';

/** Routes only: the API owns nothing of its own. */
export function managementApi(base: Base, core: InvocationCore): Feature {
  const { registry, pool } = core;
  return {
    routes(app: FastifyInstance): void {
      registerManagementRoutes(app, registry);
      registerFunctionWriteRoutes(app, registry, base.logger);
      registerAliasRoutes(app, registry);
      registerEventInvokeConfigRoutes(app, registry);
      registerConcurrencyRoutes(app, {
        registry, accountLimit: base.options.maxConcurrency,
        ready: (name, version) => pool.provisioned().find((p) => p.function === name && p.version === version)?.ready ?? 0,
      });
    },
  };
}
