// The Kinesis and DynamoDB Streams pollers (PollerFactory): one reader per shard polling GetRecords
// (1/s Kinesis, 4/s DynamoDB, × timeScale when idle; at once while behind), FilterCriteria, and
// ParallelizationFactor ordered lanes per shard; checkpoints survive a disable/enable in this process.
import { sleep } from '../lib/clock.ts';
import type { EsmConfig, Poller, PollerDeps, PollerFactory, PollerStatus } from './esm/mapping.ts';
import { compileFilters, type RecordFilter } from './filter-criteria.ts';
import { type IteratorRequest, type Stream, StreamError, partitionKeyHash } from '../services/streams/stream.ts';
import type { BatchContext, Item } from './stream-batch.ts';
import { type EventContext, eventRecord, filterSubject } from './stream-events.ts';
import { MAX_BATCH_BYTES, StreamLane } from './stream-lane.ts';

/** Last resolved sequence number per `<mapping uuid>/<shardId>`. */
const checkpoints = new Map<string, string>();

const POLL_MS = { kinesis: 1000, dynamodb: 250 } as const;

export const kinesisPollerFactory: PollerFactory = (config, deps) => new StreamPoller(config, deps);
export const dynamodbPollerFactory: PollerFactory = (config, deps) => new StreamPoller(config, deps);

class StreamPoller implements Poller {
  private readonly config: EsmConfig;
  private readonly deps: PollerDeps;
  private readonly counters: Record<string, number> = { shards: 0, invocations: 0, records: 0, batches: 0, iteratorAgeMs: 0 };
  private result = 'No records processed';
  private stopped = false;
  /** Aborted by stop(): ends every sleep at once. */
  private readonly abort = new AbortController();
  private readonly done: Promise<unknown>;
  /** The stream object being read (another one once the stream is deleted and made again). */
  private current?: Stream;
  /** Every running lane, woken at stop(). */
  private readonly lanes = new Set<StreamLane>();

  constructor(config: EsmConfig, deps: PollerDeps) {
    this.config = config;
    this.deps = deps;
    this.done = this.start().catch((err: unknown) => {
      this.result = 'PROBLEM: Function call failed';
      deps.logger.error(`stream mapping ${config.uuid}: ${(err as Error).message}`);
    });
  }

  /** Resolves after `ms` or at stop(). */
  private sleep = (ms: number): Promise<void> => sleep(this.deps.clock, ms, this.abort.signal);

  private async start(): Promise<void> {
    const arn = this.config.eventSourceArn;
    let stream = this.deps.streams?.byArn(arn);
    if (!stream) throw new Error(`Stream not found: ${arn}`);
    this.current = stream;
    const filter = compileFilters(this.config.filterCriteria, this.config.kind);
    // Shards are listed again now and then: a resharded stream (or a DynamoDB stream, whose shards roll
    // over every few hours on AWS) gets new shards; a child starts once its parent was read to its end.
    let running = new Map<string, Promise<void>>();
    const retired: Promise<void>[] = [];
    let listed = false;
    while (!this.stopped) {
      const now = this.deps.streams?.byArn(arn);
      if (now && now !== stream) {
        // The stream was deleted and made again under the same ARN: read the new one from its start.
        retired.push(...running.values());
        running = new Map();
        for (const key of [...checkpoints.keys()]) if (key.startsWith(`${this.config.uuid}/`)) checkpoints.delete(key);
        stream = now;
        this.current = now;
      }
      const source = stream;
      try {
        let fresh = (await source.shards()).filter((s) => !running.has(s.shardId));
        while (fresh.length > 0) {
          const waiting = new Set(fresh.map((s) => s.shardId));
          const ready = fresh.filter((s) => s.parentShardId === undefined || !waiting.has(s.parentShardId));
          if (ready.length === 0) break;
          for (const s of ready) {
            const parent = s.parentShardId !== undefined ? running.get(s.parentShardId) : undefined;
            // Shards that appear later are read from their start (TRIM_HORIZON), whatever StartingPosition says.
            const from = listed ? { type: 'TRIM_HORIZON' as const } : startingPosition(this.config);
            running.set(s.shardId, (parent ?? Promise.resolve()).then(() => (this.stopped ? undefined : this.runShard(source, s.shardId, filter, from))));
          }
          fresh = fresh.filter((s) => !ready.includes(s));
        }
        this.counters.shards = running.size;
        listed = true;
      } catch (err) {
        this.deps.logger.warn(`stream mapping ${this.config.uuid}: cannot list shards: ${(err as Error).message}`);
      }
      await this.sleep(POLL_MS[source.kind] * 10 * this.deps.timeScale);
    }
    await Promise.all([...running.values(), ...retired]);
  }

  private async runShard(stream: Stream, shardId: string, filter: RecordFilter | undefined, from: IteratorRequest): Promise<void> {
    const { config, deps } = this;
    const key = `${config.uuid}/${shardId}`;
    let caughtUpAt = 0;
    let lastRead = checkpoints.get(key);
    let drained: (() => void) | undefined;
    const ctx: BatchContext = {
      config, deps, kind: stream.kind, streamArn: stream.arn, retentionMs: stream.retentionMs, shardId,
      counters: this.counters,
      setResult: (r) => {
        this.result = r;
      },
      stopped: () => this.stopped,
      sleep: this.sleep,
    };
    const onDrain = (): void => {
      const pending = lanes.map((l) => l.firstPending()).filter((s): s is string => s !== undefined);
      const low = pending.reduce<bigint | undefined>((m, s) => (m === undefined || BigInt(s) < m ? BigInt(s) : m), undefined);
      const cp = low !== undefined ? (low - 1n).toString() : lastRead;
      if (cp !== undefined && this.current === stream) checkpoints.set(key, cp);
      const d = drained;
      drained = undefined;
      d?.();
    };
    const lanes = Array.from({ length: config.parallelizationFactor }, () => new StreamLane(ctx, () => caughtUpAt, onDrain));
    for (const l of lanes) this.lanes.add(l);
    const laneRuns = lanes.map((l) => l.run());
    const events: EventContext = {
      kind: stream.kind, streamArn: stream.arn, shardId, region: deps.region,
      roleArn: `arn:aws:iam::${deps.accountId}:role/${config.functionArn.split(':')[6] ?? 'function'}-role`,
    };
    const poll = POLL_MS[stream.kind] * deps.timeScale;
    // Read ahead of the lanes: two batches each, by count and by bytes (records are up to 1 MiB).
    const maxBuffered = Math.max(config.batchSize * config.parallelizationFactor * 2, 1000);
    const maxBufferedBytes = 2 * MAX_BATCH_BYTES * config.parallelizationFactor;
    const position = (): IteratorRequest => (lastRead !== undefined ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: lastRead } : from);
    let iterator: string | undefined;
    while (!this.stopped) {
      try {
        iterator ??= await stream.iterator(shardId, position());
        if (lanes.reduce((n, l) => n + l.pending(), 0) >= maxBuffered || lanes.reduce((n, l) => n + l.pendingBytes(), 0) >= maxBufferedBytes) {
          await Promise.race([new Promise<void>((r) => { drained = r; }), this.sleep(poll)]);
          continue;
        }
        const started = deps.clock.now();
        const page = await stream.getRecords(iterator, 10_000);
        const perLane: Item[][] = lanes.map(() => []);
        for (const r of page.records) {
          lastRead = r.sequenceNumber;
          const event = eventRecord(r, events);
          if (filter && !filter(filterSubject(event))) {
            this.counters.filteredOut = (this.counters.filteredOut ?? 0) + 1;
            continue;
          }
          const lane = config.parallelizationFactor === 1 ? 0 : Number(partitionKeyHash(r.partitionKey) % BigInt(config.parallelizationFactor));
          perLane[lane].push({ record: r, event, size: Buffer.byteLength(JSON.stringify(event)) + 1 });
        }
        perLane.forEach((items, i) => items.length && lanes[i].push(items));
        if (page.records.length > 0) onDrain();
        if (page.millisBehindLatest === 0) caughtUpAt = started;
        for (const l of lanes) l.wake();
        if (!page.nextIterator) break;
        iterator = page.nextIterator;
        if (page.records.length === 0 || page.millisBehindLatest === 0) await this.sleep(poll);
      } catch (err) {
        if (err instanceof StreamError && (err.type === 'ExpiredIteratorException' || err.type === 'TrimmedDataAccessException')) {
          iterator = undefined;
          continue;
        }
        // A deleted stream: this reader ends (start() picks up a stream made again under the ARN).
        if (err instanceof StreamError && err.type === 'ResourceNotFoundException' && deps.streams?.byArn(config.eventSourceArn) !== stream) break;
        deps.logger.warn(`stream mapping ${config.uuid} ${shardId}: GetRecords failed: ${(err as Error).message}`);
        iterator = undefined;
        await this.sleep(poll * 5);
      }
    }
    // The shard ended (closed and read to its end) or the poller stops: lanes finish what they hold.
    for (const l of lanes) l.end();
    await Promise.all(laneRuns);
    for (const l of lanes) this.lanes.delete(l);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    for (const l of this.lanes) l.wake();
    await this.done;
  }

  status(): PollerStatus {
    return { lastProcessingResult: this.result, counters: { ...this.counters } };
  }
}

function startingPosition(config: EsmConfig): IteratorRequest {
  switch (config.startingPosition) {
    case 'LATEST': return { type: 'LATEST' };
    case 'AT_TIMESTAMP': return { type: 'AT_TIMESTAMP', timestamp: (config.startingPositionTimestamp ?? 0) * 1000 };
    default: return { type: 'TRIM_HORIZON' };
  }
}
