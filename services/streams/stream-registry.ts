// The emulator's streams: embedded Kinesis streams (by name) and DynamoDB streams (by table), created
// from the template or CreateStream, plus external endpoints for ARNs that are not embedded.
import { type Clock, systemClock } from '../../lib/clock.ts';
import { EmbeddedDynamoDbStream, type StreamViewType } from '../dynamodb-streams/embedded-dynamodb-stream.ts';
import { EmbeddedKinesisStream, type KinesisStreamOptions } from '../kinesis/embedded-kinesis.ts';
import { type Stream, type StreamDirectory, StreamError } from './stream.ts';

export interface StreamSummary {
  name: string;
  arn: string;
  kind: 'kinesis' | 'dynamodb';
  shards: number;
  records: number;
}

/** Resolves ARNs that are not embedded (e.g. an AWS SDK client on --kinesis-endpoint), asked in order. */
export type ExternalStreams = (arn: string) => Stream | undefined;

export class StreamRegistry implements StreamDirectory {
  readonly region: string;
  readonly accountId: string;
  private readonly kinesis = new Map<string, EmbeddedKinesisStream>();
  private readonly tables = new Map<string, EmbeddedDynamoDbStream>();
  private readonly external: readonly ExternalStreams[];
  private readonly clock: Clock;

  /** `clock`: record arrival, retention and iterator ages (default: the system clock). */
  constructor(opts: { region: string; accountId: string; clock?: Clock; external?: readonly ExternalStreams[] }) {
    this.region = opts.region;
    this.accountId = opts.accountId;
    this.clock = opts.clock ?? systemClock;
    this.external = opts.external ?? [];
  }

  createKinesis(opts: Omit<KinesisStreamOptions, 'region' | 'accountId' | 'clock'>): EmbeddedKinesisStream {
    if (this.kinesis.has(opts.name)) {
      throw new StreamError('ResourceInUseException', `Stream ${opts.name} under account ${this.accountId} already exists.`);
    }
    const s = new EmbeddedKinesisStream({ ...opts, region: this.region, accountId: this.accountId, clock: this.clock });
    this.kinesis.set(opts.name, s);
    return s;
  }

  deleteKinesis(name: string): void {
    const s = this.kinesis.get(name);
    if (!s) throw this.kinesisNotFound(name);
    this.kinesis.delete(name);
    s.deleted = true;
  }

  kinesisByName(name: string): EmbeddedKinesisStream | undefined {
    return this.kinesis.get(name);
  }

  kinesisNotFound(name: string): StreamError {
    return new StreamError('ResourceNotFoundException', `Stream ${name} under account ${this.accountId} not found.`);
  }

  /** Open shards of every embedded Kinesis stream (what the account's shard quota counts). */
  kinesisShardCount(): number {
    let n = 0;
    for (const s of this.kinesis.values()) n += s.shardInfos().length;
    return n;
  }

  kinesisStreams(): EmbeddedKinesisStream[] {
    return [...this.kinesis.values()];
  }

  createTableStream(table: string, viewType: StreamViewType, label: string, keySchema?: { AttributeName: string; KeyType: string }[]): EmbeddedDynamoDbStream {
    const s = new EmbeddedDynamoDbStream({ table, viewType, label, keySchema, region: this.region, accountId: this.accountId, clock: this.clock });
    this.tables.set(table, s);
    return s;
  }

  tableStream(table: string): EmbeddedDynamoDbStream | undefined {
    return this.tables.get(table);
  }

  tableStreams(): EmbeddedDynamoDbStream[] {
    return [...this.tables.values()];
  }

  /** Embedded streams by ARN (Kinesis ARNs from another region/account are not embedded). */
  embedded(arn: string): EmbeddedKinesisStream | EmbeddedDynamoDbStream | undefined {
    for (const s of this.kinesis.values()) if (s.arn === arn) return s;
    for (const s of this.tables.values()) if (s.arn === arn) return s;
    return undefined;
  }

  byArn(arn: string): Stream | undefined {
    const own = this.embedded(arn);
    if (own) return own;
    for (const resolve of this.external) {
      const s = resolve(arn);
      if (s) return s;
    }
    return undefined;
  }

  summaries(): StreamSummary[] {
    return [
      ...this.kinesisStreams().map((s) => ({ name: s.name, arn: s.arn, kind: 'kinesis' as const, shards: s.shardInfos().length, records: s.recordCount() })),
      ...this.tableStreams().map((s) => ({ name: s.name, arn: s.arn, kind: 'dynamodb' as const, shards: 1, records: s.recordCount() })),
    ];
  }
}
