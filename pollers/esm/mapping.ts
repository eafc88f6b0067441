// An event source mapping as the pollers see it (the management API's shape, defaults applied and
// validated by esm/validate.ts), and the contract every poller kind implements.
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.ts';
import type { Invoker } from '../invoker.ts';
import type { QueueDirectory } from '../../services/sqs/queue.ts';
import type { StreamDirectory } from '../../services/streams/stream.ts';

export type SourceKind = 'sqs' | 'kinesis' | 'dynamodb';

export interface FilterCriteria {
  Filters: { Pattern: string }[];
}

export interface EsmConfig {
  uuid: string;
  kind: SourceKind;
  eventSourceArn: string;
  /** Function ARN, qualified when the mapping names a version or alias. */
  functionArn: string;
  enabled: boolean;
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  functionResponseTypes: 'ReportBatchItemFailures'[];
  filterCriteria?: FilterCriteria;
  /** SQS only: MaximumConcurrency 2–1000. */
  scalingConfig?: { MaximumConcurrency?: number };
  // Streams only:
  startingPosition?: 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';
  /** Epoch seconds. */
  startingPositionTimestamp?: number;
  parallelizationFactor: number;
  /** -1 = until the record expires. */
  maximumRecordAgeInSeconds: number;
  /** -1 = until the record expires. */
  maximumRetryAttempts: number;
  bisectBatchOnFunctionError: boolean;
  tumblingWindowInSeconds: number;
  /** OnFailure destination ARN (SQS queue). */
  onFailureDestination?: string;
}

/** What a running poller reports (LastProcessingResult for streams; counters for /_ephemera). */
export interface PollerStatus {
  lastProcessingResult?: string;
  /** Batches invoked, records delivered, etc. Free-form counters for /_ephemera/event-source-mappings. */
  counters?: Record<string, number>;
}

export interface Poller {
  /** Stop polling; resolves when in-flight batches have finished (or been abandoned to the source). */
  stop(): Promise<void>;
  status(): PollerStatus;
}

export interface PollerDeps {
  invoker: Invoker;
  queues: QueueDirectory;
  /** Kinesis and DynamoDB streams (embedded and external) the stream pollers read. */
  streams?: StreamDirectory;
  /** Every wait and every age (poll intervals, back-off, batching windows, record ages) runs on it. */
  clock: Clock;
  /** AWS's own waits (poll intervals, back-off, scaling steps) multiply by this; user-configured waits do not. */
  timeScale: number;
  logger: Logger;
  region: string;
  accountId: string;
}

export type PollerFactory = (config: EsmConfig, deps: PollerDeps) => Poller;
