// An embedded Kinesis data stream: N shards splitting the 128-bit hash-key space evenly, records
// routed by MD5(partition key) or ExplicitHashKey, 56-digit sequence numbers, retention.
import { type Clock, systemClock } from '../../lib/clock.ts';
import { EmbeddedShard, decodeIterator } from '../streams/embedded-shard.ts';
import {
  type IteratorRequest, MAX_HASH_KEY, type RecordsPage, type ShardInfo, type Stream, StreamError,
  hashKeyRange, partitionKeyHash, shardIdOf,
} from '../streams/stream.ts';

export interface KinesisStreamOptions {
  name: string;
  region: string;
  accountId: string;
  shardCount: number;
  retentionPeriodHours?: number;
  mode?: 'PROVISIONED' | 'ON_DEMAND';
  /** Record arrival, retention and iterator ages (default: the system clock). */
  clock?: Clock;
}

interface KinesisShard {
  log: EmbeddedShard;
  start: bigint;
  end: bigint;
}

export class EmbeddedKinesisStream implements Stream {
  readonly kind = 'kinesis' as const;
  readonly arn: string;
  readonly name: string;
  readonly accountId: string;
  readonly retentionPeriodHours: number;
  readonly retentionMs: number;
  readonly mode: 'PROVISIONED' | 'ON_DEMAND';
  /** Epoch ms. */
  readonly createdAt: number;
  private readonly shardList: KinesisShard[];
  /** Set by DeleteStream: readers holding this object get ResourceNotFoundException. */
  deleted = false;

  constructor(opts: KinesisStreamOptions) {
    const clock = opts.clock ?? systemClock;
    this.name = opts.name;
    this.accountId = opts.accountId;
    this.arn = `arn:aws:kinesis:${opts.region}:${opts.accountId}:stream/${opts.name}`;
    this.retentionPeriodHours = opts.retentionPeriodHours ?? 24;
    this.retentionMs = this.retentionPeriodHours * 3_600_000;
    this.mode = opts.mode ?? 'PROVISIONED';
    this.createdAt = clock.now();
    const stamp = String(Math.floor(this.createdAt / 1000) % 1e10).padStart(10, '0');
    this.shardList = Array.from({ length: opts.shardCount }, (_, i) => {
      const { start, end } = hashKeyRange(i, opts.shardCount);
      const log = new EmbeddedShard({
        streamArn: this.arn, shardId: shardIdOf(i), prefix: `49${stamp}${String(i).padStart(4, '0')}`, width: 56,
        retentionMs: this.retentionMs, clock,
      });
      return { log, start, end };
    });
  }

  /** Shard descriptions in index order (synchronous: the wire endpoint uses it directly). */
  shardInfos(): ShardInfo[] {
    return this.shardList.map((s) => ({
      shardId: s.log.shardId,
      hashKeyRange: { startingHashKey: s.start.toString(), endingHashKey: s.end.toString() },
      startingSequenceNumber: s.log.startingSequenceNumber,
    }));
  }

  async shards(): Promise<ShardInfo[]> {
    this.checkExists();
    return this.shardInfos();
  }

  private checkExists(): void {
    if (this.deleted) throw new StreamError('ResourceNotFoundException', `Stream ${this.name} under account ${this.accountId} not found.`);
  }

  /** Route and append one record. `arrival` (epoch ms) is for tests that need an old record. */
  put(partitionKey: string, data: Buffer, explicitHashKey?: string, arrival?: number): { shardId: string; sequenceNumber: string } {
    const hash = explicitHashKey !== undefined ? explicitHash(explicitHashKey) : partitionKeyHash(partitionKey);
    const shard = this.shardList.find((s) => hash >= s.start && hash <= s.end)!;
    const r = shard.log.append({ partitionKey, data }, arrival);
    return { shardId: shard.log.shardId, sequenceNumber: r.sequenceNumber };
  }

  shardFor(shardId: string): EmbeddedShard {
    const s = this.shardList.find((x) => x.log.shardId === shardId);
    if (!s) throw new StreamError('ResourceNotFoundException', `Shard ${shardId} in stream ${this.name} under account ${this.accountId} does not exist`);
    return s.log;
  }

  async iterator(shardId: string, req: IteratorRequest): Promise<string> {
    return this.iteratorSync(shardId, req);
  }

  iteratorSync(shardId: string, req: IteratorRequest): string {
    this.checkExists();
    return this.shardFor(shardId).iterator(req);
  }

  async getRecords(iterator: string, limit: number): Promise<RecordsPage> {
    return this.getRecordsSync(iterator, limit);
  }

  getRecordsSync(iterator: string, limit: number): RecordsPage {
    this.checkExists();
    const token = decodeIterator(iterator);
    if (token.a !== this.arn) throw new StreamError('InvalidArgumentException', 'Invalid ShardIterator.');
    return this.shardFor(token.s).read(token, limit);
  }

  recordCount(): number {
    return this.shardList.reduce((n, s) => n + s.log.count(), 0);
  }
}

/** An ExplicitHashKey as a hash; InvalidArgumentException outside 0 … 2^128−1 (PutRecords checks all first). */
export function explicitHash(explicitHashKey: string): bigint {
  if (!/^\d{1,39}$/.test(explicitHashKey) || BigInt(explicitHashKey) > MAX_HASH_KEY) {
    throw new StreamError('InvalidArgumentException', `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${explicitHashKey}`);
  }
  return BigInt(explicitHashKey);
}
