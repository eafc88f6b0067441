// An embedded DynamoDB stream (a table's StreamSpecification; there is no table): one shard fed with
// INSERT/MODIFY/REMOVE changes through /_ephemera/dynamodb/<table>/records, images kept as the
// StreamViewType says, 24 h retention.
import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../../lib/clock.ts';
import { EmbeddedShard, decodeIterator } from '../streams/embedded-shard.ts';
import { type DynamoDbChange, type IteratorRequest, type RecordsPage, type ShardInfo, type Stream, StreamError } from '../streams/stream.ts';

export const VIEW_TYPES = ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES'] as const;
export type StreamViewType = (typeof VIEW_TYPES)[number];
const ATTRIBUTE_TYPES = new Set(['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS']);

export interface ChangeInput {
  eventName: unknown;
  Keys: unknown;
  NewImage?: unknown;
  OldImage?: unknown;
  /** A TTL delete (REMOVE only): the record gets DynamoDB's service userIdentity. */
  ttl?: unknown;
}

export class EmbeddedDynamoDbStream implements Stream {
  readonly kind = 'dynamodb' as const;
  readonly arn: string;
  /** The table name. */
  readonly name: string;
  readonly label: string;
  readonly viewType: StreamViewType;
  readonly retentionMs = 24 * 3_600_000;
  /** The table's KeySchema (from the template), for DescribeStream. */
  readonly keySchema: { AttributeName: string; KeyType: string }[];
  /** Epoch ms. */
  readonly createdAt: number;
  private readonly shard: EmbeddedShard;
  private readonly clock: Clock;

  constructor(opts: {
    table: string; region: string; accountId: string; label: string; viewType: StreamViewType;
    keySchema?: { AttributeName: string; KeyType: string }[]; clock?: Clock;
  }) {
    this.clock = opts.clock ?? systemClock;
    this.createdAt = this.clock.now();
    this.keySchema = opts.keySchema ?? [];
    this.name = opts.table;
    this.label = opts.label;
    this.viewType = opts.viewType;
    this.arn = `arn:aws:dynamodb:${opts.region}:${opts.accountId}:table/${opts.table}/stream/${opts.label}`;
    const created = String(this.clock.now()).padStart(20, '0');
    this.shard = new EmbeddedShard({
      streamArn: this.arn, shardId: `shardId-${created}-${randomBytes(4).toString('hex')}`, prefix: '4', width: 21,
      retentionMs: this.retentionMs, clock: this.clock,
    });
  }

  get shardId(): string {
    return this.shard.shardId;
  }

  async shards(): Promise<ShardInfo[]> {
    return this.shardInfos();
  }

  shardInfos(): ShardInfo[] {
    return [{ shardId: this.shard.shardId, startingSequenceNumber: this.shard.startingSequenceNumber }];
  }

  /** Validate and append one change; throws StreamError('ValidationException') on bad input. */
  append(input: ChangeInput): { sequenceNumber: string; eventID: string } {
    return this.appendAll([input])[0];
  }

  /** Validate every change, then append them all in order (nothing is appended when one is bad). */
  appendAll(inputs: ChangeInput[]): { sequenceNumber: string; eventID: string }[] {
    const changes = inputs.map((i) => this.prepare(i));
    return changes.map((change) => {
      const r = this.shard.append({ partitionKey: JSON.stringify(change.Keys), data: Buffer.alloc(0), dynamodb: change });
      return { sequenceNumber: r.sequenceNumber, eventID: change.eventID };
    });
  }

  private prepare(input: ChangeInput): DynamoDbChange {
    const { eventName, Keys, NewImage, OldImage, ttl } = input;
    if (eventName !== 'INSERT' && eventName !== 'MODIFY' && eventName !== 'REMOVE') {
      throw new StreamError('ValidationException', `eventName must be INSERT, MODIFY or REMOVE; got ${JSON.stringify(eventName ?? null)}`);
    }
    checkItem('Keys', Keys, true);
    checkItem('NewImage', NewImage, eventName !== 'REMOVE');
    checkItem('OldImage', OldImage, eventName !== 'INSERT');
    if (eventName === 'REMOVE' && NewImage !== undefined) throw new StreamError('ValidationException', 'a REMOVE record has no NewImage');
    if (eventName === 'INSERT' && OldImage !== undefined) throw new StreamError('ValidationException', 'an INSERT record has no OldImage');
    if (ttl !== undefined && (ttl !== true || eventName !== 'REMOVE')) throw new StreamError('ValidationException', 'ttl: true is only for REMOVE records');
    const keys = Keys as Record<string, unknown>;
    const newImage = this.viewType === 'NEW_IMAGE' || this.viewType === 'NEW_AND_OLD_IMAGES' ? (NewImage as Record<string, unknown> | undefined) : undefined;
    const oldImage = this.viewType === 'OLD_IMAGE' || this.viewType === 'NEW_AND_OLD_IMAGES' ? (OldImage as Record<string, unknown> | undefined) : undefined;
    const change: DynamoDbChange = {
      eventID: randomBytes(16).toString('hex'),
      eventName,
      ApproximateCreationDateTime: Math.floor(this.clock.now() / 1000),
      Keys: keys,
      ...(newImage ? { NewImage: newImage } : {}),
      ...(oldImage ? { OldImage: oldImage } : {}),
      SizeBytes: itemSize(keys) + (newImage ? itemSize(newImage) : 0) + (oldImage ? itemSize(oldImage) : 0),
      StreamViewType: this.viewType,
      ...(ttl === true ? { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } } : {}),
    };
    return change;
  }

  async iterator(shardId: string, req: IteratorRequest): Promise<string> {
    return this.iteratorSync(shardId, req);
  }

  iteratorSync(shardId: string, req: IteratorRequest): string {
    if (shardId !== this.shard.shardId) throw new StreamError('ResourceNotFoundException', `Requested resource not found: Shard: ${shardId} in Stream: ${this.arn} not found`);
    return this.shard.iterator(req);
  }

  async getRecords(iterator: string, limit: number): Promise<RecordsPage> {
    return this.getRecordsSync(iterator, limit);
  }

  getRecordsSync(iterator: string, limit: number): RecordsPage {
    const token = decodeIterator(iterator);
    if (token.a !== this.arn || token.s !== this.shard.shardId) throw new StreamError('ValidationException', 'Invalid ShardIterator');
    return this.shard.read(token, limit);
  }

  recordCount(): number {
    return this.shard.count();
  }
}

function checkItem(field: string, value: unknown, required: boolean): void {
  if (value === undefined) {
    if (required && field === 'Keys') throw new StreamError('ValidationException', 'Keys is required');
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.keys(value).length === 0) {
    throw new StreamError('ValidationException', `${field} must be a non-empty map of attribute values`);
  }
  for (const [name, av] of Object.entries(value)) checkAttribute(`${field}.${name}`, av);
}

function checkAttribute(where: string, av: unknown): void {
  const keys = typeof av === 'object' && av !== null && !Array.isArray(av) ? Object.keys(av) : [];
  if (keys.length !== 1 || !ATTRIBUTE_TYPES.has(keys[0])) {
    throw new StreamError('ValidationException', `${where} must be an attribute value with one of S, N, B, BOOL, NULL, M, L, SS, NS, BS; got ${JSON.stringify(av)}`);
  }
}

/** DynamoDB's item size: attribute names plus values (approximated from their JSON text). */
function itemSize(item: Record<string, unknown>): number {
  let n = 0;
  for (const [name, av] of Object.entries(item)) {
    n += Buffer.byteLength(name);
    const [type, v] = Object.entries(av as Record<string, unknown>)[0];
    if (type === 'S' || type === 'N') n += Buffer.byteLength(String(v));
    else if (type === 'B') n += Buffer.from(String(v), 'base64').length;
    else if (type === 'BOOL' || type === 'NULL') n += 1;
    else n += Buffer.byteLength(JSON.stringify(v));
  }
  return n;
}
