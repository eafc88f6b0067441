// The embedded AWS services: SQS queues (kept under --data-dir when given), Kinesis streams and
// DynamoDB table streams, created from the template, with their wire protocols and /_ephemera views on
// the main port; and the external endpoints (--sqs-endpoint, --kinesis-endpoint,
// --dynamodbstreams-endpoint) for queues and streams that are not embedded.
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../lib/clock.ts';
import { DYNAMODB_STREAMS_TARGET, dynamoDbStreamsHandler } from '../../services/dynamodb-streams/dynamodb-streams-wire.ts';
import { ExternalDynamoDbStreams } from '../../services/dynamodb-streams/aws-dynamodb-streams.ts';
import { ExternalKinesis } from '../../services/kinesis/aws-kinesis.ts';
import { KINESIS_TARGET, kinesisHandler } from '../../services/kinesis/kinesis-wire.ts';
import { ExternalQueues } from '../../services/sqs/aws-sqs.ts';
import { EmbeddedQueues } from '../../services/sqs/embedded-queues.ts';
import type { QueueDirectory } from '../../services/sqs/queue.ts';
import { CompositeQueueDirectory } from '../../services/sqs/queue-directory.ts';
import { sqsJsonHandler, sqsJsonTooLarge } from '../../services/sqs/wire/sqs-json.ts';
import { sqsQueryHandler, sqsQueryTooLarge } from '../../services/sqs/wire/sqs-query.ts';
import { StreamRegistry } from '../../services/streams/stream-registry.ts';
import { registerQueueRoutes } from '../http/queue-routes.ts';
import { registerStreamRoutes } from '../http/stream-routes.ts';
import type { WireDispatcher } from '../http/wire-dispatch.ts';
import { OptionsError, type Options } from '../options.ts';
import { createTemplateQueues } from '../template/queue-resources.ts';
import { createTemplateStreams } from '../template/stream-resources.ts';
import type { Base } from './base.ts';
import type { Feature } from './feature.ts';

export class EmbeddedServices implements Feature {
  /** The embedded SQS queues (the SQS APIs and /_ephemera/queues serve these). */
  readonly sqs: EmbeddedQueues;
  /** Every queue destinations and pollers can reach: the embedded queues, then --sqs-endpoint. */
  readonly queues: QueueDirectory;
  /** Every stream pollers can read: the embedded ones, then the external endpoints. */
  readonly streams: StreamRegistry;
  private readonly base: Base;
  /** The external endpoints' SDK clients, closed with the feature. */
  private readonly externals: readonly { close(): void }[];

  constructor(base: Base) {
    this.base = base;
    const { options, template, account } = base;
    this.sqs = openQueues(options, base.clock);
    base.warnings.add(createTemplateQueues(template, this.sqs));
    const externalQueues = options.sqsEndpoint ? new ExternalQueues({ endpoint: options.sqsEndpoint }) : undefined;
    const kinesis = options.kinesisEndpoint ? new ExternalKinesis(options.kinesisEndpoint) : undefined;
    const ddb = options.dynamodbstreamsEndpoint ? new ExternalDynamoDbStreams(options.dynamodbstreamsEndpoint) : undefined;
    this.externals = [externalQueues, kinesis, ddb].filter((e) => e !== undefined);
    this.queues = new CompositeQueueDirectory([this.sqs, externalQueues]);
    const streamEndpoints = [kinesis, ddb].filter((e) => e !== undefined);
    this.streams = new StreamRegistry({ ...account, clock: base.clock, external: streamEndpoints.map((e) => e.byArn) });
    createTemplateStreams(template, this.streams);
  }

  wire(dispatcher: WireDispatcher): void {
    const onSqsError = (err: unknown): void => this.base.logger.error({ err }, 'unexpected error in the SQS API');
    dispatcher.byTarget(KINESIS_TARGET, kinesisHandler(this.streams));
    dispatcher.byTarget(DYNAMODB_STREAMS_TARGET, dynamoDbStreamsHandler(this.streams));
    dispatcher.byTarget('AmazonSQS.', sqsJsonHandler(this.sqs, onSqsError), sqsJsonTooLarge);
    dispatcher.onQuery({ service: 'sqs' }, sqsQueryHandler(this.sqs, onSqsError), sqsQueryTooLarge);
  }

  routes(app: FastifyInstance): void {
    registerStreamRoutes(app, this.streams);
    registerQueueRoutes(app, this.sqs);
  }

  /** Long polls answer now (sends and deletes still work until the port closes); external clients close. */
  close(): void {
    this.sqs.endLongPolls();
    for (const external of this.externals) external.close();
  }

  /** The queues' journal and the --data-dir lock. */
  release(): void {
    this.sqs.close();
  }
}

/** The embedded queues; an unusable --data-dir is a start-up error in one line. */
function openQueues(options: Options, clock: Clock): EmbeddedQueues {
  try {
    return new EmbeddedQueues({ region: options.region, accountId: options.accountId, dataDir: options.dataDir, clock });
  } catch (err) {
    if (!options.dataDir) throw err;
    throw new OptionsError(`--data-dir ${options.dataDir}: cannot keep SQS queues there (${(err as Error).message})`);
  }
}
