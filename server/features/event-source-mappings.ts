// Event source mappings (pollers/): the mapping manager with the SQS, Kinesis and DynamoDB Streams
// pollers, invoking through the invocation core and reading the queues and streams of the embedded
// services (or their external endpoints); the template's mappings; the ESM management API.
import type { FastifyInstance } from 'fastify';
import { EsmManager } from '../../pollers/esm/manager.ts';
import { validateFilterPattern } from '../../pollers/filter-criteria.ts';
import { createSqsPollerFactory } from '../../pollers/sqs-poller.ts';
import { dynamodbPollerFactory, kinesisPollerFactory } from '../../pollers/stream-poller.ts';
import { registerEsmRoutes } from '../http/esm-routes.ts';
import { registerTagRoutes } from '../http/tag-routes.ts';
import { PollerInvoker } from '../invoke/poller-invoker.ts';
import type { Registry } from '../registry/registry.ts';
import { templateEventSourceMappings } from '../template/event-sources.ts';
import type { Base } from './base.ts';
import type { DurableFunctionsFeature } from './durable-functions.ts';
import type { EmbeddedServices } from './embedded-services.ts';
import type { Feature } from './feature.ts';
import type { InvocationCore } from './invocation-core.ts';

export class EventSourceMappings implements Feature {
  readonly esm: EsmManager;
  /** Settles once the template's mappings are created (or reported as not created). */
  readonly ready: Promise<void>;
  private readonly registry: Registry;

  constructor(base: Base, core: InvocationCore, services: EmbeddedServices, durable: DurableFunctionsFeature) {
    const { registry } = core;
    const { queues, streams } = services;
    this.registry = registry;
    const timeoutOf = (ref: string): number | undefined => {
      try {
        return registry.resolve(ref, undefined).fn.config.timeout;
      } catch {
        return undefined;
      }
    };
    this.esm = new EsmManager({
      resolveFunction: (ref) => {
        try {
          const { fn, invokedArn } = registry.resolve(ref, undefined);
          return { functionArn: invokedArn, timeoutSeconds: fn.config.timeout };
        } catch {
          return undefined;
        }
      },
      validatePattern: validateFilterPattern,
      checkSource: async (kind, arn) => {
        if (kind !== 'sqs') return { exists: streams.byArn(arn) !== undefined };
        const q = queues.byArn(arn);
        if (!q) return { exists: false };
        try {
          return { exists: true, visibilityTimeoutSeconds: await q.visibilityTimeoutSeconds() };
        } catch {
          return { exists: false };
        }
      },
    }, {
      invoker: new PollerInvoker(registry, durable.door), queues, streams, clock: base.clock, timeScale: base.options.timeScale, logger: base.logger, ...base.account,
    });
    this.esm.registerFactory('sqs', createSqsPollerFactory({ functionTimeoutSeconds: timeoutOf }));
    this.esm.registerFactory('kinesis', kinesisPollerFactory);
    this.esm.registerFactory('dynamodb', dynamodbPollerFactory);

    // Template mappings are created once every source exists; a bad one is reported, not fatal.
    const declared = base.templateMappings ? templateEventSourceMappings(base.template) : [];
    this.ready = Promise.resolve().then(() => Promise.all(declared.map(async (m) => {
      try {
        await this.esm.create(m.input, m.origin);
      } catch (err) {
        base.logger.error(`event source mapping ${m.origin} not created: ${(err as Error).message}`);
      }
    }))).then(() => undefined);
  }

  routes(app: FastifyInstance): void {
    registerEsmRoutes(app, this.esm, this.registry);
    // Tags name functions and mappings alike.
    registerTagRoutes(app, this.registry, this.esm);
  }

  /** Pollers stop (an invoke in flight finishes first). */
  close(): Promise<void> {
    return this.esm.close();
  }
}
