// External DynamoDB streams through @aws-sdk/client-dynamodb-streams: a `Stream` over DynamoDB Local,
// LocalStack, another ephemera or real AWS (`aws`), for stream ARNs that are not embedded
// (--dynamodbstreams-endpoint). Records become the same StreamRecord the embedded streams give.
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { asStreamError } from '../kinesis/aws-kinesis.ts';
import { ExternalEndpoint } from '../external-endpoint.ts';
import type { DynamoDbChange, IteratorRequest, RecordsPage, ShardInfo, Stream } from '../streams/stream.ts';

const DDB_STREAM_ARN = /^arn:aws[a-z-]*:dynamodb:(?<region>[a-z0-9-]+):(?<account>\d{12}):table\/(?<table>[^/]+)\/stream\/(?<label>.+)$/;

export class ExternalDynamoDbStreams extends ExternalEndpoint<DynamoDBStreamsClient, Stream> {
  constructor(endpoint: string) {
    super({
      endpoint, arn: DDB_STREAM_ARN,
      client: (config) => new DynamoDBStreamsClient(config),
      source: (client, arn, g) => new AwsDynamoDbStream(client, arn, g.table),
    });
  }
}

class AwsDynamoDbStream implements Stream {
  readonly kind = 'dynamodb' as const;
  readonly arn: string;
  readonly name: string;
  readonly retentionMs = 24 * 3_600_000;
  private readonly client: DynamoDBStreamsClient;

  constructor(client: DynamoDBStreamsClient, arn: string, table: string) {
    this.client = client;
    this.arn = arn;
    this.name = table;
  }

  async shards(): Promise<ShardInfo[]> {
    const out: ShardInfo[] = [];
    let after: string | undefined;
    try {
      do {
        const d = (await this.client.send(new DescribeStreamCommand({ StreamArn: this.arn, ExclusiveStartShardId: after }))).StreamDescription;
        for (const s of d?.Shards ?? []) {
          out.push({
            shardId: s.ShardId!, parentShardId: s.ParentShardId, startingSequenceNumber: s.SequenceNumberRange?.StartingSequenceNumber ?? '0',
            endingSequenceNumber: s.SequenceNumberRange?.EndingSequenceNumber,
          });
        }
        after = d?.LastEvaluatedShardId;
      } while (after);
    } catch (err) {
      throw asStreamError(err);
    }
    return out;
  }

  async iterator(shardId: string, req: IteratorRequest): Promise<string> {
    // DynamoDB Streams has no AT_TIMESTAMP (mappings reject it before this point).
    const type = req.type === 'AT_TIMESTAMP' ? 'TRIM_HORIZON' : req.type;
    try {
      const r = await this.client.send(new GetShardIteratorCommand({ StreamArn: this.arn, ShardId: shardId, ShardIteratorType: type, SequenceNumber: req.sequenceNumber }));
      return r.ShardIterator!;
    } catch (err) {
      throw asStreamError(err);
    }
  }

  async getRecords(iterator: string, limit: number): Promise<RecordsPage> {
    try {
      const r = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(limit, 1000) }));
      return {
        records: (r.Records ?? []).map((x) => {
          const d = x.dynamodb ?? {};
          const created = d.ApproximateCreationDateTime?.getTime() ?? Date.now();
          const change: DynamoDbChange = {
            eventID: x.eventID ?? '', eventName: x.eventName as DynamoDbChange['eventName'],
            ApproximateCreationDateTime: Math.floor(created / 1000),
            Keys: wire(d.Keys) as Record<string, unknown>,
            ...(d.NewImage ? { NewImage: wire(d.NewImage) as Record<string, unknown> } : {}),
            ...(d.OldImage ? { OldImage: wire(d.OldImage) as Record<string, unknown> } : {}),
            SizeBytes: d.SizeBytes ?? 0, StreamViewType: d.StreamViewType ?? 'NEW_AND_OLD_IMAGES',
            ...(x.userIdentity ? { userIdentity: { type: x.userIdentity.Type ?? '', principalId: x.userIdentity.PrincipalId ?? '' } } : {}),
          };
          return { sequenceNumber: d.SequenceNumber ?? '0', arrival: created, partitionKey: JSON.stringify(change.Keys), data: Buffer.alloc(0), dynamodb: change };
        }),
        nextIterator: r.NextShardIterator,
        millisBehindLatest: 0,
      };
    } catch (err) {
      throw asStreamError(err);
    }
  }
}

/** SDK attribute values back to their JSON wire form (binary as base64, no undefined members). */
function wire(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(wire);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined && k !== '$unknown') out[k] = wire(x);
    return out;
  }
  return v ?? {};
}
