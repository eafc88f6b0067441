// The set of embedded SQS queues of one account, by name, URL or ARN (the QueueDirectory pollers and
// destinations use): create/delete with AWS's naming and idempotency rules, attributes, and the journal
// that makes them survive a restart when a data directory is given.
import { type Clock, systemClock } from '../../lib/clock.ts';
import type { QueueDirectory } from './queue.ts';
import { EmbeddedQueue, type QueueHost } from './embedded-queue.ts';
import { FIFO_DEFAULTS, STANDARD_DEFAULTS, knownAttribute, settleEncryption, validateAttributes } from './sqs-attributes.ts';
import { SqsError, invalidParameter, queueDoesNotExist, unknownAttribute } from './sqs-error.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { FileJournal, type JournalRecord, type JournalSink, NO_JOURNAL, readJournal } from './sqs-journal.ts';

export interface EmbeddedQueuesOptions {
  region: string;
  accountId: string;
  /** Persist under `<dataDir>/sqs/`; in memory when absent. */
  dataDir?: string;
  /** Visibility, delays, retention and long polls run on it (default: the system clock). */
  clock?: Clock;
  /** Journal growth that triggers a rewrite at run time (default 64 MiB). */
  compactAfterBytes?: number;
}

const NAME = /^[A-Za-z0-9_-]{1,80}$/;
const FIFO_NAME = /^[A-Za-z0-9_-]{1,75}\.fifo$/;

export class EmbeddedQueues implements QueueDirectory {
  readonly region: string;
  readonly accountId: string;
  private readonly queues = new Map<string, EmbeddedQueue>();
  private readonly deletedAt = new Map<string, number>();
  private readonly sink: JournalSink;
  private readonly host: QueueHost;
  readonly clock: Clock;
  private unlock = (): void => {};

  constructor(opts: EmbeddedQueuesOptions) {
    this.region = opts.region;
    this.accountId = opts.accountId;
    this.clock = opts.clock ?? systemClock;
    let sink: JournalSink = NO_JOURNAL;
    this.host = {
      clock: this.clock,
      queueByArn: (arn) => this.byArn(arn),
      journal: (record, sync) => {
        sink.append(record, sync);
        if (sink.wantsCompaction?.()) sink.rewrite?.(this.snapshot());
      },
    };
    if (opts.dataDir) {
      this.unlock = lockDataDir(opts.dataDir);
      for (const r of readJournal(opts.dataDir)) this.replay(r);
      for (const q of this.queues.values()) {
        for (const m of q.messages.values()) if (m.receiveCount > 0 && m.visibleAt > this.clock.now()) m.visibleAt = this.clock.now();
      }
      sink = new FileJournal(opts.dataDir, this.snapshot(), opts.compactAfterBytes);
    }
    this.sink = sink;
  }

  arnOf(name: string): string {
    return `arn:aws:sqs:${this.region}:${this.accountId}:${name}`;
  }

  byArn(arn: string): EmbeddedQueue | undefined {
    const prefix = `arn:aws:sqs:${this.region}:${this.accountId}:`;
    return arn.startsWith(prefix) ? this.queues.get(arn.slice(prefix.length)) : undefined;
  }

  byName(name: string): EmbeddedQueue | undefined {
    return this.queues.get(name);
  }

  /** A queue from a queue URL of any host (`http(s)://<host>/<account>/<name>`); throws QueueDoesNotExist. */
  byUrl(url: string): EmbeddedQueue {
    const m = /^(?:[a-z]+:\/\/[^/]*)?\/(\d{12})\/([^/?#]+)\/?$/i.exec(url ?? '');
    let name: string | undefined;
    try {
      name = m && m[1] === this.accountId ? decodeURIComponent(m[2]) : undefined;
    } catch {
      // a malformed %-escape names no queue
    }
    const q = name === undefined ? undefined : this.queues.get(name);
    if (!q) throw queueDoesNotExist();
    return q;
  }

  /** URL of a queue as seen by a client that reached us at `host` (its Host header). */
  urlOf(q: EmbeddedQueue, host: string): string {
    return `http://${host}/${this.accountId}/${q.name}`;
  }

  list(prefix = ''): EmbeddedQueue[] {
    // Code-unit order: ListQueues' NextToken resumes after a name with `>` (localeCompare would disagree).
    return [...this.queues.values()].filter((q) => q.name.startsWith(prefix)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** CreateQueue: returns the existing queue when the given attributes match it. */
  create(name: string, attributes: Record<string, unknown> = {}, tags: Record<string, string> = {}): EmbeddedQueue {
    const fifo = attributes.FifoQueue === 'true';
    if (fifo ? !FIFO_NAME.test(name) : !NAME.test(name)) {
      throw invalidParameter(fifo || name.endsWith('.fifo')
        ? 'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.'
        : 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
    }
    const given = validateAttributes(attributes, fifo, true, (arn) => this.typeOf(arn));
    const existing = this.queues.get(name);
    if (existing) {
      const current: Record<string, string> = { ...existing.attributes };
      for (const [k, v] of Object.entries(given)) {
        if ((current[k] ?? '') !== v) {
          throw new SqsError('QueueNameExists', `A queue already exists with the same name and a different value for attribute ${k}`);
        }
      }
      return existing;
    }
    const deleted = this.deletedAt.get(name);
    if (deleted !== undefined && this.clock.now() - deleted < 60_000) {
      throw new SqsError('QueueDeletedRecently', 'You must wait 60 seconds after deleting a queue before you can create another with the same name.');
    }
    const now = this.clock.now();
    const all = { ...(fifo ? FIFO_DEFAULTS : STANDARD_DEFAULTS), ...given };
    if (all.RedrivePolicy === '') delete all.RedrivePolicy;
    settleEncryption(all, given);
    const q = new EmbeddedQueue(this.host, { name, arn: this.arnOf(name), accountId: this.accountId, fifo, attributes: all, createdAt: now });
    q.tags = { ...tags };
    this.queues.set(name, q);
    this.sink.append({ op: 'create', name, attributes: all, tags: q.tags, createdAt: now, modifiedAt: now }, true);
    return q;
  }

  delete(q: EmbeddedQueue): void {
    if (this.queues.get(q.name) !== q) throw queueDoesNotExist();
    this.queues.delete(q.name);
    this.deletedAt.set(q.name, this.clock.now());
    q.close();
    this.sink.append({ op: 'drop', name: q.name }, true);
  }

  setAttributes(q: EmbeddedQueue, attributes: Record<string, unknown>): void {
    const given = validateAttributes(attributes, q.fifo, false, (arn) => this.typeOf(arn));
    const next = { ...q.attributes, ...given };
    for (const [k, v] of Object.entries(given)) if (v === '' && (k === 'RedrivePolicy' || k === 'RedriveAllowPolicy' || k === 'Policy')) delete next[k];
    settleEncryption(next, given);
    q.attributes = next;
    q.modifiedAt = this.clock.now();
    q.attributesChanged();
    this.sink.append({ op: 'set', name: q.name, attributes: next, modifiedAt: q.modifiedAt }, true);
  }

  /** GetQueueAttributes for `names` (`All` = every attribute the queue has). */
  getAttributes(q: EmbeddedQueue, names: string[]): Record<string, string> {
    for (const n of names) if (n !== 'All' && !knownAttribute(n, q.fifo)) throw unknownAttribute(n);
    const c = q.counts();
    const computed: Record<string, string> = {
      QueueArn: q.arn, ApproximateNumberOfMessages: String(c.visible), ApproximateNumberOfMessagesNotVisible: String(c.inFlight),
      ApproximateNumberOfMessagesDelayed: String(c.delayed), CreatedTimestamp: String(Math.floor(q.createdAt / 1000)),
      LastModifiedTimestamp: String(Math.floor(q.modifiedAt / 1000)),
    };
    const all: Record<string, string> = { ...computed, ...q.attributes };
    const wanted = names.includes('All') ? Object.keys(all) : names;
    const out: Record<string, string> = {};
    for (const n of wanted) if (all[n] !== undefined) out[n] = all[n];
    return out;
  }

  setTags(q: EmbeddedQueue, tags: Record<string, string>): void {
    q.tags = tags;
    this.sink.append({ op: 'tags', name: q.name, tags }, true);
  }

  /** Runs `fn` (several sends or deletes of one batch request) with a single fsync at the end. */
  batch<T>(fn: () => T): T {
    return this.sink.batch(fn);
  }

  /** Answers every long poll now (and later ones at once); sends and deletes still work. */
  endLongPolls(): void {
    for (const q of this.queues.values()) q.close();
  }

  /** Ends long polls and closes the journal (later changes fail) and the data-dir lock. */
  close(): void {
    for (const q of this.queues.values()) q.close();
    this.sink.close();
    this.unlock();
  }

  private typeOf(arn: string): 'fifo' | 'standard' | undefined {
    const q = this.byArn(arn);
    return q ? (q.fifo ? 'fifo' : 'standard') : undefined;
  }

  private replay(r: JournalRecord): void {
    const q = 'q' in r ? this.queues.get(r.q) : undefined;
    switch (r.op) {
      case 'create': {
        const created = new EmbeddedQueue(this.host, {
          name: r.name, arn: this.arnOf(r.name), accountId: this.accountId, fifo: r.attributes.FifoQueue === 'true', attributes: r.attributes, createdAt: r.createdAt,
        });
        created.modifiedAt = r.modifiedAt;
        created.tags = r.tags;
        this.queues.set(r.name, created);
        return;
      }
      case 'set': {
        const target = this.queues.get(r.name);
        if (!target) return;
        target.attributes = r.attributes;
        target.modifiedAt = r.modifiedAt;
        target.attributesChanged();
        return;
      }
      case 'tags': {
        const target = this.queues.get(r.name);
        if (target) target.tags = r.tags;
        return;
      }
      case 'drop': this.queues.delete(r.name); return;
      case 'send': q?.store({ ...r.m, receipt: undefined }, false); return;
      case 'recv': {
        const m = q?.messages.get(r.id);
        if (m) {
          m.receiveCount = r.n;
          m.firstReceiveAt = r.first;
        }
        return;
      }
      case 'del': q?.messages.delete(r.id); return;
      case 'purge': q?.messages.clear(); return;
      case 'dedup': if (q && r.expiresAt > this.clock.now()) q.dedup.add(r.key, { expiresAt: r.expiresAt, messageId: r.messageId, sequenceNumber: r.sequenceNumber }); return;
    }
  }

  /** The current state as journal records (for compaction). */
  private snapshot(): JournalRecord[] {
    const out: JournalRecord[] = [];
    for (const q of this.queues.values()) {
      out.push({ op: 'create', name: q.name, attributes: q.attributes, tags: q.tags, createdAt: q.createdAt, modifiedAt: q.modifiedAt });
      for (const [key, e] of q.dedup.entries) out.push({ op: 'dedup', q: q.name, key, ...e });
      for (const m of q.messages.values()) out.push({ op: 'send', q: q.name, m });
    }
    return out;
  }
}
