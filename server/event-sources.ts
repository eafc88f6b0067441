// Queues, streams and the mappings that read them: the embedded SQS queues and Kinesis/DynamoDB
// streams (plus --sqs-endpoint, --kinesis-endpoint, --dynamodbstreams-endpoint), their wire protocols
// and /_ephemera routes on the main port, and the event source mapping manager with its pollers.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { EsmManager } from '../pollers/esm/manager.ts';
import { validateFilterPattern } from '../pollers/filter-criteria.ts';
import { ExternalDynamoDbStreams } from '../services/dynamodb-streams/aws-dynamodb-streams.ts';
import { ExternalKinesis } from '../services/kinesis/aws-kinesis.ts';
import { ExternalQueues } from '../services/sqs/aws-sqs.ts';
import { EmbeddedQueues } from '../services/sqs/embedded-queues.ts';
import type { QueueDirectory } from '../services/sqs/queue.ts';
import { CompositeQueueDirectory } from '../services/sqs/queue-directory.ts';
import { StreamRegistry } from '../services/streams/stream-registry.ts';
import { createSqsPollerFactory } from '../pollers/sqs-poller.ts';
import { dynamodbPollerFactory, kinesisPollerFactory } from '../pollers/stream-poller.ts';
import { DYNAMODB_STREAMS_TARGET, dynamoDbStreamsHandler } from '../services/dynamodb-streams/dynamodb-streams-wire.ts';
import { KINESIS_TARGET, kinesisHandler } from '../services/kinesis/kinesis-wire.ts';
import { sqsJsonHandler, sqsJsonTooLarge } from '../services/sqs/wire/sqs-json.ts';
import { sqsQueryHandler, sqsQueryTooLarge } from '../services/sqs/wire/sqs-query.ts';
import { registerEsmRoutes } from './http/esm-routes.ts';
import { registerQueueRoutes } from './http/queue-routes.ts';
import { registerStreamRoutes } from './http/stream-routes.ts';
import { WireDispatcher } from './http/wire-dispatch.ts';
import type { PollerInvoker } from './invoke/poller-invoker.ts';
import type { LoadedTemplate } from './model.ts';
import { OptionsError, type Options } from './options.ts';
import type { Registry } from './registry/registry.ts';
import { templateEventSourceMappings } from './template/event-sources.ts';
import { createTemplateStreams } from './template/stream-resources.ts';

export interface EventSources {
  /** SQS / Kinesis / DynamoDB Streams wire protocols on the main port. */
  wire: WireDispatcher;
  /** Every queue destinations and pollers can reach: the sources in `queueSources`, then --sqs-endpoint. */
  queues: QueueDirectory;
  /** Queue sources in lookup order: the embedded queues first. */
  queueSources: QueueDirectory[];
  /** Embedded Kinesis and DynamoDB streams (plus external stream endpoints). */
  streams: StreamRegistry;
  /** Event source mappings (template and API). */
  esm: EsmManager;
  /** Settles once the template's mappings are created (or reported as not created). */
  ready: Promise<void>;
  /** Stop the pollers, end long polls and close the external clients (before the server closes). */
  stop(): Promise<void>;
}

/** The embedded queues; an unusable --data-dir is a start-up error in one line. */
export function openQueues(options: Options): EmbeddedQueues {
  try {
    return new EmbeddedQueues({ region: options.region, accountId: options.accountId, dataDir: options.dataDir });
  } catch (err) {
    if (!options.dataDir) throw err;
    throw new OptionsError(`--data-dir ${options.dataDir}: cannot keep SQS queues there (${(err as Error).message})`);
  }
}

export interface EventSourceDeps {
  app: FastifyInstance;
  options: Options;
  template: LoadedTemplate;
  registry: Registry;
  pollerInvoker: PollerInvoker;
  logger: Logger;
  sqs: EmbeddedQueues;
  /** Create the template's mappings (false for a one-shot `ephemera invoke`: no poller may take messages). */
  templateMappings: boolean;
}

export function wireEventSources({ app, options, template, registry, pollerInvoker, logger, sqs, templateMappings }: EventSourceDeps): EventSources {
  const ctx = { region: options.region, accountId: options.accountId };
  const wire = new WireDispatcher();
  wire.register(app);

  const streams = new StreamRegistry(ctx);
  createTemplateStreams(template, streams);
  const externalKinesis = options.kinesisEndpoint ? new ExternalKinesis(options.kinesisEndpoint) : undefined;
  const externalDdbStreams = options.dynamodbstreamsEndpoint ? new ExternalDynamoDbStreams(options.dynamodbstreamsEndpoint) : undefined;
  if (externalKinesis) streams.addExternal(externalKinesis.byArn);
  if (externalDdbStreams) streams.addExternal(externalDdbStreams.byArn);
  registerStreamRoutes(app, streams);
  wire.byTarget(KINESIS_TARGET, kinesisHandler(streams));
  wire.byTarget(DYNAMODB_STREAMS_TARGET, dynamoDbStreamsHandler(streams));

  const queueSources: QueueDirectory[] = [sqs];
  const onSqsError = (err: unknown): void => logger.error({ err }, 'unexpected error in the SQS API');
  wire.byTarget('AmazonSQS.', sqsJsonHandler(sqs, onSqsError), sqsJsonTooLarge);
  wire.onQuery(sqsQueryHandler(sqs, onSqsError), sqsQueryTooLarge);
  registerQueueRoutes(app, sqs);
  const externalQueues = options.sqsEndpoint ? new ExternalQueues({ endpoint: options.sqsEndpoint }) : undefined;
  const queues = new CompositeQueueDirectory(queueSources, externalQueues);

  const timeoutOf = (ref: string): number | undefined => {
    try {
      return registry.resolve(ref, undefined).fn.config.timeout;
    } catch {
      return undefined;
    }
  };
  const esm = new EsmManager({
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
  }, { invoker: pollerInvoker, queues, streams, timeScale: options.timeScale, logger, ...ctx });
  registerEsmRoutes(app, esm, registry);
  esm.registerFactory('sqs', createSqsPollerFactory({ functionTimeoutSeconds: timeoutOf }));
  esm.registerFactory('kinesis', kinesisPollerFactory);
  esm.registerFactory('dynamodb', dynamodbPollerFactory);

  // Template mappings are created once every source above exists; a bad one is reported, not fatal.
  const declared = templateMappings ? templateEventSourceMappings(template) : [];
  const ready = Promise.resolve().then(() => Promise.all(declared.map(async (m) => {
    try {
      await esm.create(m.input, m.origin);
    } catch (err) {
      logger.error(`event source mapping ${m.origin} not created: ${(err as Error).message}`);
    }
  }))).then(() => undefined);

  const stop = async (): Promise<void> => {
    await esm.close();
    sqs.endLongPolls();
    externalQueues?.close();
    externalKinesis?.close();
    externalDdbStreams?.close();
  };
  return { wire, queues, queueSources, streams, esm, ready, stop };
}
