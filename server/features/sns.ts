// Embedded SNS (services/sns/): topics and subscriptions from the template and the API (query and JSON
// protocols on the main port), kept under --data-dir when given. Deliveries go to functions through the
// asynchronous invoker (Lambda's retries, DLQ and destinations) and to the embedded or external queues;
// SAM's SqsSubscription adds the queue's event source mapping.
import type { FastifyInstance } from 'fastify';
import { DeliveryError } from '../../services/sns/delivery-policy.ts';
import { Deliveries } from '../../services/sns/sns-delivery.ts';
import { Publisher } from '../../services/sns/sns-publish.ts';
import { FileSnsStore } from '../../services/sns/sns-store.ts';
import { SnsTopics } from '../../services/sns/sns-topics.ts';
import { SNS_ACTIONS } from '../../services/sns/wire/sns-actions.ts';
import { SNS_TARGET, snsJsonHandler, snsJsonTooLarge } from '../../services/sns/wire/sns-json.ts';
import { snsQueryHandler, snsQueryTooLarge } from '../../services/sns/wire/sns-query.ts';
import { ASYNC_PAYLOAD_LIMIT } from '../async/async-invoker.ts';
import { registerTopicRoutes } from '../http/topic-routes.ts';
import type { WireDispatcher } from '../http/wire-dispatch.ts';
import { OptionsError } from '../options.ts';
import { createTemplateTopics } from '../template/sns-create.ts';
import { snsTemplatePlan } from '../template/sns-resources.ts';
import type { AsyncInvocation } from './async-invocation.ts';
import type { Base } from './base.ts';
import type { EmbeddedServices } from './embedded-services.ts';
import type { EventSourceMappings } from './event-source-mappings.ts';
import type { Feature } from './feature.ts';
import type { InvocationCore } from './invocation-core.ts';

export class SnsFeature implements Feature {
  readonly topics: SnsTopics;
  readonly deliveries: Deliveries;
  readonly publisher: Publisher;
  /** Settles once SqsSubscription's event source mappings are created (or reported as not created). */
  readonly ready: Promise<void>;
  private readonly base: Base;
  /** Where UnsubscribeURLs point: the emulator once it listens (SNS's regional endpoint before). */
  private endpoint: string;

  constructor(base: Base, core: InvocationCore, async: AsyncInvocation, services: EmbeddedServices, mappings: EventSourceMappings) {
    this.base = base;
    const { options, account, logger, clock } = base;
    this.endpoint = base.localUrl ?? `https://sns.${account.region}.amazonaws.com`;
    this.topics = openTopics(account, options.dataDir);
    this.deliveries = new Deliveries({
      clock, timeScale: options.timeScale, log: logger,
      ports: {
        queues: services.queues,
        // Lambda's Invoke with InvocationType Event: a missing function is the client's error (404).
        invokeAsync: (arn, payload) => {
          const { fn, invokedArn } = core.registry.resolve(arn, undefined);
          if (payload.length > ASYNC_PAYLOAD_LIMIT) throw new DeliveryError('client', `${payload.length} byte payload is too large for the Event invocation type`);
          async.invoker.enqueue(fn, invokedArn, payload);
        },
      },
    });
    this.publisher = new Publisher({ topics: this.topics, deliveries: this.deliveries, clock, endpoint: () => this.endpoint });
    const plan = snsTemplatePlan(base.template, account);
    base.warnings.add(createTemplateTopics(plan, this.topics, services.sqs));
    const declared = base.templateMappings ? plan.mappings : [];
    this.ready = Promise.all(declared.map(async (m) => {
      try {
        await mappings.esm.create(m.input, m.origin);
      } catch (err) {
        logger.error(`event source mapping ${m.origin} (SqsSubscription) not created: ${(err as Error).message}`);
      }
    })).then(() => undefined);
  }

  wire(dispatcher: WireDispatcher): void {
    const onError = (err: unknown): void => this.base.logger.error({ err }, 'unexpected error in the SNS API');
    const ctx = { topics: this.topics, publisher: this.publisher };
    dispatcher.byTarget(SNS_TARGET, snsJsonHandler(ctx, onError), snsJsonTooLarge);
    dispatcher.onQuery({ service: 'sns', claims: (action) => SNS_ACTIONS.has(action) }, snsQueryHandler(ctx, onError), snsQueryTooLarge);
  }

  routes(app: FastifyInstance): void {
    registerTopicRoutes(app, this.topics, this.deliveries);
  }

  /** The URL the emulator listens at: UnsubscribeURLs in envelopes point there. */
  listening(url: string): void {
    this.endpoint = url;
  }

  /** Deliveries waiting for a retry are dropped (logged). */
  close(): void {
    this.deliveries.close();
  }
}

/** The topics, read back from --data-dir when given; an unusable one is a start-up error in one line. */
function openTopics(account: { region: string; accountId: string }, dataDir: string | undefined): SnsTopics {
  if (!dataDir) return new SnsTopics(account);
  try {
    return new SnsTopics({ ...account, store: new FileSnsStore(dataDir) });
  } catch (err) {
    throw new OptionsError(`--data-dir ${dataDir}: cannot keep SNS topics there (${(err as Error).message})`);
  }
}
