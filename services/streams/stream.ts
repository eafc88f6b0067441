// The stream contract pollers and the wire endpoints use: shards, iterators and records. The embedded
// Kinesis and DynamoDB streams and the external endpoints (../kinesis/, ../dynamodb-streams/) implement it.
// Also the shared pure helpers: hash-key ranges, MD5 routing and BigInt sequence-number compare.
import { createHash } from 'node:crypto';

export type StreamKind = 'kinesis' | 'dynamodb';

export interface ShardInfo {
  shardId: string;
  parentShardId?: string;
  /** Kinesis only: decimal strings. */
  hashKeyRange?: { startingHashKey: string; endingHashKey: string };
  startingSequenceNumber: string;
  endingSequenceNumber?: string;
}

export type IteratorType = 'TRIM_HORIZON' | 'LATEST' | 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER' | 'AT_TIMESTAMP';

export interface IteratorRequest {
  type: IteratorType;
  /** AT_/AFTER_SEQUENCE_NUMBER. */
  sequenceNumber?: string;
  /** AT_TIMESTAMP, epoch milliseconds. */
  timestamp?: number;
}

/** A DynamoDB stream record's `dynamodb` part and envelope fields (attribute-value JSON images). */
export interface DynamoDbChange {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  /** Epoch seconds (whole). */
  ApproximateCreationDateTime: number;
  Keys: Record<string, unknown>;
  NewImage?: Record<string, unknown>;
  OldImage?: Record<string, unknown>;
  SizeBytes: number;
  StreamViewType: string;
  userIdentity?: { type: string; principalId: string };
}

export interface StreamRecord {
  sequenceNumber: string;
  /** ApproximateArrivalTimestamp, epoch milliseconds. */
  arrival: number;
  /** Kinesis partition key; DynamoDB: the JSON of Keys (what ParallelizationFactor orders by). */
  partitionKey: string;
  /** Kinesis data bytes (empty for DynamoDB). */
  data: Buffer;
  dynamodb?: DynamoDbChange;
}

export interface RecordsPage {
  records: StreamRecord[];
  /** Absent when a closed shard has been read to its end. */
  nextIterator?: string;
  millisBehindLatest: number;
}

export interface Stream {
  readonly arn: string;
  readonly name: string;
  readonly kind: StreamKind;
  /** Records older than this are gone (ms); the poller treats them as expired. */
  readonly retentionMs: number;
  shards(): Promise<ShardInfo[]>;
  /** Rejects with StreamError (InvalidArgumentException, ResourceNotFoundException) on bad input. */
  iterator(shardId: string, req: IteratorRequest): Promise<string>;
  /** Rejects with StreamError ExpiredIteratorException when the iterator is older than 5 minutes. */
  getRecords(iterator: string, limit: number): Promise<RecordsPage>;
}

/** Finds a stream by ARN: embedded streams first, then configured external endpoints. */
export interface StreamDirectory {
  byArn(arn: string): Stream | undefined;
}

/** An error with the Kinesis / DynamoDB Streams wire type it renders as (all 400 except InternalFailure). */
export class StreamError extends Error {
  readonly type: string;
  constructor(type: string, message: string) {
    super(message);
    this.type = type;
    this.name = type;
  }
}

export const MAX_HASH_KEY = (1n << 128n) - 1n;

/** Shard i of n covers floor(i·2^128/n) … floor((i+1)·2^128/n)−1. */
export function hashKeyRange(i: number, n: number): { start: bigint; end: bigint } {
  const space = 1n << 128n;
  return { start: (BigInt(i) * space) / BigInt(n), end: (BigInt(i + 1) * space) / BigInt(n) - 1n };
}

/** MD5 of the UTF-8 partition key as an unsigned big-endian 128-bit integer. */
export function partitionKeyHash(partitionKey: string): bigint {
  return BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
}

export function compareSequenceNumbers(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export const shardIdOf = (index: number): string => `shardId-${String(index).padStart(12, '0')}`;
