// The Invoke API (POST /2015-03-31/functions/{name}/invocations, and InvokeWithResponseStream): synchronous invokes through the
// invocation core, InvocationType Event through the async invoker. Its raw node:http fast path is
// the main port's (server/http/invoke-routes.ts); the fastify route serves app.inject.
import type { FastifyInstance } from 'fastify';
import type { FastPath } from '../http/http-app.ts';
import type { InvokeDeps } from '../http/invoke-handler.ts';
import { invokeFastPath, invokeLeanRoute, registerInvokeRoutes } from '../http/invoke-routes.ts';
import type { LeanRoute } from '../../lib/lean-http.ts';
import { registerStreamInvokeRoute } from '../http/stream-invoke-routes.ts';
import type { AsyncInvocation } from './async-invocation.ts';
import type { Base } from './base.ts';
import type { DurableFunctionsFeature } from './durable-functions.ts';
import type { Feature } from './feature.ts';
import type { InvocationCore } from './invocation-core.ts';

export class InvokeApi implements Feature {
  /** Takes Invoke requests before fastify sees them (the warm-invoke hot path). */
  readonly fastPath: FastPath;
  /** The same calls read by hand before node:http parses them (the warm-invoke hot path). */
  readonly leanRoute: LeanRoute;
  private readonly deps: InvokeDeps;

  constructor(base: Base, core: InvocationCore, async: AsyncInvocation, durable: DurableFunctionsFeature) {
    this.deps = { registry: core.registry, invoker: core.service, asyncInvoker: async.invoker, durable: durable.door };
    const onError = (err: unknown): void => base.logger.error({ err }, 'unexpected error while invoking');
    this.fastPath = invokeFastPath(this.deps, onError);
    this.leanRoute = invokeLeanRoute(this.deps, onError);
  }

  routes(app: FastifyInstance): void {
    registerInvokeRoutes(app, this.deps);
    registerStreamInvokeRoute(app, this.deps);
  }
}
