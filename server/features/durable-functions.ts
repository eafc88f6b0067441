// Durable functions (server/durable/): the executions and their timers, the durable execution API and
// /_ephemera/durable on the main port, and the door every other door invokes through, which runs a
// durable function as a whole execution and anything else through the invocation service.
import type { FastifyInstance } from 'fastify';
import { DurableFunctions } from '../durable/durable-functions.ts';
import type { DurableDoor } from '../durable/durable-door.ts';
import type { Base } from './base.ts';
import type { Feature } from './feature.ts';
import type { InvocationCore } from './invocation-core.ts';

export class DurableFunctionsFeature implements Feature {
  readonly durable: DurableFunctions;

  constructor(base: Base, core: InvocationCore) {
    this.durable = new DurableFunctions({
      service: core.service, registry: core.registry, timeScale: base.options.timeScale, dataDir: base.options.dataDir, logger: base.logger, clock: base.clock,
    });
  }

  /** What the doors invoke through (InvocationService's `invoke`, durable functions included). */
  get door(): DurableDoor {
    return this.durable.door;
  }

  routes(app: FastifyInstance): void {
    this.durable.routes(app);
  }

  /** The emulator listens: functions can reach the API, so executions a restart left running resume. */
  listening(): void {
    this.durable.listening();
  }

  close(): void {
    this.durable.close();
  }
}
