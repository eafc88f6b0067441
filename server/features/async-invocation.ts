// Asynchronous invocation (InvocationType Event): the event queue with Lambda's retries and maximum
// event age, ending in destinations and dead-letter queues (server/async/). A function destination is a
// new event of the same invoker, so this module only needs the invocation core and the queues.
import { AsyncInvoker } from '../async/async-invoker.ts';
import { destinationWarnings, type TopicPublisher } from '../async/destinations.ts';
import type { Base } from './base.ts';
import type { DurableFunctionsFeature } from './durable-functions.ts';
import type { EmbeddedServices } from './embedded-services.ts';
import type { Feature } from './feature.ts';
import type { InvocationCore } from './invocation-core.ts';

export class AsyncInvocation implements Feature {
  readonly invoker: AsyncInvoker;

  /** `topics`: where SNS destinations and dead-letter topics are published (the embedded SNS). */
  constructor(base: Base, core: InvocationCore, services: EmbeddedServices, durable: DurableFunctionsFeature, topics: TopicPublisher) {
    base.warnings.add(destinationWarnings(base.template.functions, base.account));
    this.invoker = new AsyncInvoker(durable.door, {
      clock: base.clock, timeScale: base.options.timeScale, logger: base.logger, functions: core.registry, queues: services.queues, topics,
    });
  }

  /** Queued events are dropped (logged): the emulator is going away. */
  close(): void {
    this.invoker.close();
  }
}
