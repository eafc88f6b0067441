// Durable functions as one feature of the emulator: the backend (executions, timers, --data-dir), the
// durable execution API and /_ephemera/durable routes on the main port, and the door every invoke of a
// durable function goes through. Built from the invocation service and the registry; owns its timers.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.ts';
import type { SyncInvoker } from '../invoke/invocation-service.ts';
import type { Registry } from '../registry/registry.ts';
import { DurableApi } from './durable-api.ts';
import { DurableDoor } from './durable-door.ts';
import { DurableExecutions } from './durable-executions.ts';
import { registerDurableInternalRoutes } from './durable-internal-routes.ts';
import { registerDurableRoutes } from './durable-routes.ts';

export interface DurableDeps {
  /** The invocation service: every invocation of a durable function runs through it. */
  service: SyncInvoker;
  registry: Registry;
  timeScale: number;
  dataDir?: string;
  logger: Logger;
  clock?: Clock;
}

export class DurableFunctions {
  readonly executions: DurableExecutions;
  /** The invoke path with durable functions run as executions: what the doors call instead of the service. */
  readonly door: DurableDoor;
  private readonly api: DurableApi;
  private readonly registry: Registry;
  private resumed = false;

  constructor(deps: DurableDeps) {
    const { registry, service } = deps;
    this.registry = registry;
    this.executions = new DurableExecutions({
      invoke: (req) => service.invoke(req),
      resolve: (name) => registry.resolve(name, undefined),
      pinned: (name, version) => {
        const entry = registry.entry(name);
        return version === '$LATEST' ? entry?.latest.fv : entry?.versions.get(version)?.fv;
      },
    }, { timeScale: deps.timeScale, dataDir: deps.dataDir, logger: deps.logger, clock: deps.clock });
    this.door = new DurableDoor(this.executions, service);
    this.api = new DurableApi(this.executions);
  }

  routes(app: FastifyInstance): void {
    registerDurableRoutes(app, this.api, this.registry);
    registerDurableInternalRoutes(app, this.executions);
  }

  /** Once the emulator listens (functions can reach the API): resume what a restart with --data-dir left running. */
  listening(): void {
    if (this.resumed) return;
    this.resumed = true;
    this.executions.resume();
  }

  close(): void {
    this.executions.shutdown();
  }
}
