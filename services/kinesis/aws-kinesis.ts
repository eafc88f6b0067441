// External Kinesis streams through @aws-sdk/client-kinesis: a `Stream` over any Kinesis-compatible
// endpoint (another ephemera, LocalStack, kinesalite) or real AWS (`aws`: default credential chain, the
// ARN's region). Used for stream ARNs that are not embedded (--kinesis-endpoint).
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { ExternalEndpoint } from '../external-endpoint.ts';
import { type IteratorRequest, type RecordsPage, type ShardInfo, type Stream, StreamError } from '../streams/stream.ts';

const KINESIS_ARN = /^arn:aws[a-z-]*:kinesis:(?<region>[a-z0-9-]+):(?<account>\d{12}):stream\/(?<name>[a-zA-Z0-9_.-]{1,128})$/;

/** An SDK error as the StreamError the pollers understand (ExpiredIteratorException etc.). */
export function asStreamError(err: unknown): StreamError {
  if (err instanceof StreamError) return err;
  const e = err as { name?: string; message?: string };
  return new StreamError(e.name ?? 'InternalFailureException', e.message ?? String(err));
}

export class ExternalKinesis extends ExternalEndpoint<KinesisClient, Stream> {
  constructor(endpoint: string) {
    super({
      endpoint, arn: KINESIS_ARN,
      client: (config) => new KinesisClient(config),
      source: (client, arn, g) => new AwsKinesisStream(client, arn, g.name),
    });
  }
}

export class AwsKinesisStream implements Stream {
  readonly kind = 'kinesis' as const;
  readonly arn: string;
  readonly name: string;
  /** Kinesis's default; a longer retention only means the poller gives up later. */
  readonly retentionMs = 24 * 3_600_000;
  private readonly client: KinesisClient;

  constructor(client: KinesisClient, arn: string, name: string) {
    this.client = client;
    this.arn = arn;
    this.name = name;
  }

  async shards(): Promise<ShardInfo[]> {
    const out: ShardInfo[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(new ListShardsCommand(token ? { NextToken: token } : { StreamARN: this.arn }));
        for (const s of page.Shards ?? []) {
          out.push({
            shardId: s.ShardId!, parentShardId: s.ParentShardId, startingSequenceNumber: s.SequenceNumberRange?.StartingSequenceNumber ?? '0',
            endingSequenceNumber: s.SequenceNumberRange?.EndingSequenceNumber,
          });
        }
        token = page.NextToken;
      } while (token);
    } catch (err) {
      throw asStreamError(err);
    }
    return out;
  }

  async iterator(shardId: string, req: IteratorRequest): Promise<string> {
    try {
      const r = await this.client.send(new GetShardIteratorCommand({
        StreamARN: this.arn, ShardId: shardId, ShardIteratorType: req.type, StartingSequenceNumber: req.sequenceNumber,
        Timestamp: req.timestamp === undefined ? undefined : new Date(req.timestamp),
      }));
      return r.ShardIterator!;
    } catch (err) {
      throw asStreamError(err);
    }
  }

  async getRecords(iterator: string, limit: number): Promise<RecordsPage> {
    try {
      const r = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit, StreamARN: this.arn }));
      return {
        records: (r.Records ?? []).map((x) => ({
          sequenceNumber: x.SequenceNumber!, arrival: x.ApproximateArrivalTimestamp?.getTime() ?? Date.now(),
          partitionKey: x.PartitionKey ?? '', data: Buffer.from(x.Data ?? new Uint8Array()),
        })),
        nextIterator: r.NextShardIterator,
        millisBehindLatest: r.MillisBehindLatest ?? 0,
      };
    } catch (err) {
      throw asStreamError(err);
    }
  }
}
