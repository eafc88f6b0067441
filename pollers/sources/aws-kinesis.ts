// External Kinesis streams through @aws-sdk/client-kinesis: a `Stream` over any Kinesis-compatible
// endpoint (another ephemera, LocalStack, kinesalite) or real AWS (`aws`: default credential chain, the
// ARN's region). Used for stream ARNs that are not embedded (--kinesis-endpoint).
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { type IteratorRequest, type RecordsPage, type ShardInfo, type Stream, StreamError } from './stream.ts';

const KINESIS_ARN = /^arn:aws[a-z-]*:kinesis:([a-z0-9-]+):(\d{12}):stream\/([a-zA-Z0-9_.-]{1,128})$/;

/** Client options for an endpoint: `aws` = the SDK's defaults; a URL takes the environment's or dummy credentials. */
export function endpointClientConfig(endpoint: string, region: string): Record<string, unknown> {
  if (endpoint === 'aws') return { region };
  return {
    region, endpoint,
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID || 'test',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY || 'test',
      sessionToken: process.env.AWS_ACCESS_KEY_ID ? process.env.AWS_SESSION_TOKEN : undefined,
    },
  };
}

/** An SDK error as the StreamError the pollers understand (ExpiredIteratorException etc.). */
export function asStreamError(err: unknown): StreamError {
  if (err instanceof StreamError) return err;
  const e = err as { name?: string; message?: string };
  return new StreamError(e.name ?? 'InternalFailureException', e.message ?? String(err));
}

export class ExternalKinesis {
  private readonly endpoint: string;
  private readonly clients = new Map<string, KinesisClient>();
  private readonly streams = new Map<string, AwsKinesisStream>();

  constructor(endpoint: string) {
    this.endpoint = endpoint;
  }

  byArn = (arn: string): Stream | undefined => {
    const m = KINESIS_ARN.exec(arn);
    if (!m) return undefined;
    let s = this.streams.get(arn);
    if (!s) {
      let c = this.clients.get(m[1]);
      if (!c) {
        c = new KinesisClient(endpointClientConfig(this.endpoint, m[1]));
        this.clients.set(m[1], c);
      }
      s = new AwsKinesisStream(c, arn, m[3]);
      this.streams.set(arn, s);
    }
    return s;
  };

  close(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
    this.streams.clear();
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
          // Closed shards (an ending sequence number) have nothing new to read.
          if (s.SequenceNumberRange?.EndingSequenceNumber) continue;
          out.push({ shardId: s.ShardId!, parentShardId: s.ParentShardId, startingSequenceNumber: s.SequenceNumberRange?.StartingSequenceNumber ?? '0' });
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
