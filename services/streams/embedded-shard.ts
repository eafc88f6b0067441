// One embedded shard's log: records in sequence-number order, retention trimming, and the opaque
// shard iterators (a position after a sequence number, valid 5 minutes) both embedded kinds share.
import type { Clock } from '../../lib/clock.ts';
import { type IteratorRequest, type RecordsPage, type StreamRecord, StreamError } from './stream.ts';

export const ITERATOR_TTL_MS = 300_000;
/** GetRecords answers at most this much data (at least one record), as on AWS. */
export const MAX_PAGE_BYTES = 10 * 1024 * 1024;

interface IteratorToken {
  /** Stream ARN. */
  a: string;
  /** Shard id. */
  s: string;
  /** Read records with a sequence number greater than this ('' = from the oldest). */
  p: string;
  /** Issued at, epoch ms. */
  t: number;
}

export class EmbeddedShard {
  readonly shardId: string;
  readonly startingSequenceNumber: string;
  private readonly streamArn: string;
  private readonly records: (StreamRecord & { seq: bigint })[] = [];
  private readonly clock: Clock;
  private readonly retentionMs: number;
  private readonly prefix: string;
  private readonly width: number;
  private counter = 0n;

  /** Sequence numbers are `prefix` followed by a counter, zero-padded to `width` digits in all. */
  constructor(opts: { streamArn: string; shardId: string; prefix: string; width: number; retentionMs: number; clock: Clock }) {
    this.streamArn = opts.streamArn;
    this.shardId = opts.shardId;
    this.prefix = opts.prefix;
    this.width = opts.width;
    this.retentionMs = opts.retentionMs;
    this.clock = opts.clock;
    this.startingSequenceNumber = this.sequence(0n);
  }

  private sequence(n: bigint): string {
    return this.prefix + n.toString().padStart(this.width - this.prefix.length, '0');
  }

  /** Append a record (arrival = now unless given); returns it with its sequence number. */
  append(fields: Omit<StreamRecord, 'sequenceNumber' | 'arrival'>, arrival = this.clock.now()): StreamRecord {
    this.counter += 1n;
    const sequenceNumber = this.sequence(this.counter);
    const record = { ...fields, sequenceNumber, arrival, seq: BigInt(sequenceNumber) };
    this.records.push(record);
    return strip(record);
  }

  /** Drop records past retention. */
  private trim(): void {
    const cutoff = this.clock.now() - this.retentionMs;
    let n = 0;
    while (n < this.records.length && this.records[n].arrival < cutoff) n++;
    if (n > 0) this.records.splice(0, n);
  }

  count(): number {
    this.trim();
    return this.records.length;
  }

  lastSequenceNumber(): string | undefined {
    return this.records.at(-1)?.sequenceNumber;
  }

  iterator(req: IteratorRequest): string {
    this.trim();
    let after: string;
    switch (req.type) {
      case 'TRIM_HORIZON': after = ''; break;
      case 'LATEST': after = this.records.at(-1)?.sequenceNumber ?? ''; break;
      case 'AT_SEQUENCE_NUMBER':
      case 'AFTER_SEQUENCE_NUMBER': {
        const s = req.sequenceNumber ?? '';
        const used = `StartingSequenceNumber ${s} used in GetShardIterator on shard ${this.shardId} in stream ${this.streamName()} under account ${this.account()} is invalid`;
        if (!/^\d{1,129}$/.test(s)) throw new StreamError('InvalidArgumentException', `${used}.`);
        // This shard's numbers all have its prefix and width: another shard's would point past its end forever.
        if (s.length !== this.width || !s.startsWith(this.prefix)) throw new StreamError('InvalidArgumentException', `${used} because it did not come from this stream.`);
        after = req.type === 'AFTER_SEQUENCE_NUMBER' ? s : (BigInt(s) - 1n).toString();
        break;
      }
      case 'AT_TIMESTAMP': {
        const ts = req.timestamp ?? 0;
        const first = this.records.find((r) => r.arrival >= ts);
        after = first ? (first.seq - 1n).toString() : (this.records.at(-1)?.sequenceNumber ?? '');
        break;
      }
    }
    return encodeIterator({ a: this.streamArn, s: this.shardId, p: after, t: this.clock.now() });
  }

  read(token: IteratorToken, limit: number): RecordsPage {
    if (this.clock.now() - token.t > ITERATOR_TTL_MS) {
      throw new StreamError('ExpiredIteratorException', `Iterator expired. The iterator was created at time ${new Date(token.t).toUTCString()} while right now it is ${new Date(this.clock.now()).toUTCString()} which is further in the future than the tolerated delay of ${ITERATOR_TTL_MS} milliseconds.`);
    }
    this.trim();
    const after = token.p === '' ? -1n : BigInt(token.p);
    let lo = 0;
    let hi = this.records.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.records[mid].seq <= after) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    for (let bytes = 0; end < this.records.length && end - lo < limit; end++) {
      bytes += this.records[end].data.length + (this.records[end].dynamodb?.SizeBytes ?? 0);
      if (bytes > MAX_PAGE_BYTES && end > lo) break;
    }
    const page = this.records.slice(lo, end);
    const last = page.at(-1)?.sequenceNumber ?? token.p;
    const remaining = this.records.length - end;
    // 0 means caught up: with records left it is at least 1, even when they arrived this millisecond.
    const behind = remaining > 0 ? Math.max(1, this.clock.now() - this.records[end].arrival) : 0;
    return {
      records: page.map(strip),
      nextIterator: encodeIterator({ a: this.streamArn, s: this.shardId, p: last, t: this.clock.now() }),
      millisBehindLatest: behind,
    };
  }

  private streamName(): string {
    return this.streamArn.slice(this.streamArn.indexOf('/') + 1);
  }

  private account(): string {
    return this.streamArn.split(':')[4] ?? '';
  }
}

function strip(r: StreamRecord & { seq?: bigint }): StreamRecord {
  const { seq: _seq, ...rest } = r;
  return rest;
}

export function encodeIterator(t: IteratorToken): string {
  return Buffer.from(JSON.stringify(t), 'utf8').toString('base64');
}

/** Decode an iterator; a malformed one is InvalidArgumentException as on AWS. */
export function decodeIterator(iterator: string): IteratorToken {
  try {
    const t = JSON.parse(Buffer.from(iterator, 'base64').toString('utf8')) as IteratorToken;
    if (typeof t.a === 'string' && typeof t.s === 'string' && typeof t.p === 'string' && typeof t.t === 'number') return t;
  } catch {
    // fall through
  }
  throw new StreamError('InvalidArgumentException', 'Invalid ShardIterator.');
}
