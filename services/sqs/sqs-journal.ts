// Persistence of the embedded queues under `<data-dir>/sqs/`: an append-only JSON-lines journal of
// every change (queue created/changed/deleted, message sent/received/deleted, purge, dedup ids).
// Sends, deletes and queue changes are fsynced before the call returns; receive counts are not.
// At start-up the journal is replayed, then rewritten compactly (temp file + rename).
import { closeSync, existsSync, fdatasyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredMessage } from './sqs-message.ts';

export type JournalRecord =
  | { op: 'create'; name: string; attributes: Record<string, string>; tags: Record<string, string>; createdAt: number; modifiedAt: number }
  | { op: 'set'; name: string; attributes: Record<string, string>; modifiedAt: number }
  | { op: 'tags'; name: string; tags: Record<string, string> }
  | { op: 'drop'; name: string }
  | { op: 'send'; q: string; m: StoredMessage }
  | { op: 'recv'; q: string; id: string; n: number; first: number }
  | { op: 'del'; q: string; id: string }
  | { op: 'purge'; q: string }
  | { op: 'dedup'; q: string; key: string; expiresAt: number; messageId: string; sequenceNumber?: string };

/** Where records go: nowhere (in memory) or a journal file. */
export interface JournalSink {
  append(record: JournalRecord, sync: boolean): void;
  /** True when the journal has grown enough that rewriting it (`rewrite`) is worth it. */
  wantsCompaction?(): boolean;
  rewrite?(records: JournalRecord[]): void;
  /** Runs `fn` with fsyncs deferred to its end (one fsync for a whole batch request). */
  batch<T>(fn: () => T): T;
  close(): void;
}

export const NO_JOURNAL: JournalSink = { append: () => {}, batch: (fn) => fn(), close: () => {} };

/** Reads every complete record of `<dir>/sqs/journal.jsonl` (a torn last line, from a kill mid-write, is skipped). */
export function readJournal(dataDir: string): JournalRecord[] {
  const file = join(dataDir, 'sqs', 'journal.jsonl');
  if (!existsSync(file)) return [];
  const out: JournalRecord[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    try {
      out.push(reviveBinary(JSON.parse(line) as JournalRecord));
    } catch {
      // a partial line written when the process was killed: the call it belonged to never returned
    }
  }
  return out;
}

/** Binary attribute values are written as {type:'Buffer',data:[...]} by JSON.stringify; turn them back into Buffers. */
function reviveBinary(r: JournalRecord): JournalRecord {
  if (r.op === 'send') {
    for (const a of Object.values(r.m.messageAttributes ?? {})) {
      const b = a.BinaryValue as unknown;
      if (b && typeof b === 'object' && !Buffer.isBuffer(b)) a.BinaryValue = Buffer.from((b as { data: number[] }).data);
      else if (typeof b === 'string') a.BinaryValue = Buffer.from(b, 'base64');
    }
  }
  return r;
}

function serialise(r: JournalRecord): string {
  // The message's receipt handle is not kept (only that key: a message attribute may be named `receipt`).
  const record = r.op === 'send' ? { ...r, m: { ...r.m, receipt: undefined } } : r;
  return JSON.stringify(record, (key, value: unknown) => {
    if (key === 'BinaryValue' && value && typeof value === 'object') {
      const v = value as { type?: string; data?: number[] };
      if (v.type === 'Buffer' && Array.isArray(v.data)) return Buffer.from(v.data).toString('base64');
    }
    return value;
  }) + '\n';
}

/** The journal is rewritten at run time once it has grown by this much (and by more than its compacted size). */
export const COMPACT_AFTER_BYTES = 64 * 1024 * 1024;

export class FileJournal implements JournalSink {
  private fd = -1;
  private batching = 0;
  private dirty = false;
  private readonly dir: string;
  private compactedBytes = 0;
  private appendedBytes = 0;

  /** Rewrites the journal as `records` (the compacted state), then keeps appending to it. */
  private readonly compactAfter: number;

  constructor(dataDir: string, records: JournalRecord[], compactAfterBytes = COMPACT_AFTER_BYTES) {
    this.compactAfter = compactAfterBytes;
    this.dir = join(dataDir, 'sqs');
    mkdirSync(this.dir, { recursive: true });
    this.rewrite(records);
  }

  /** Replaces the journal with `records` (temp file, fsync, rename, fsync of the folder). */
  rewrite(records: JournalRecord[]): void {
    const file = join(this.dir, 'journal.jsonl');
    const tmp = `${file}.tmp`;
    const fd = openSync(tmp, 'w');
    let bytes = 0;
    const chunk: string[] = [];
    const flush = (): void => {
      const text = chunk.splice(0).join('');
      bytes += Buffer.byteLength(text);
      writeSync(fd, text);
    };
    for (const r of records) {
      chunk.push(serialise(r));
      if (chunk.length >= 1000) flush();
    }
    flush();
    fdatasyncSync(fd);
    closeSync(fd);
    renameSync(tmp, file);
    const dirFd = openSync(this.dir, 'r');
    try {
      fdatasyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = openSync(file, 'a');
    this.compactedBytes = bytes;
    this.appendedBytes = 0;
  }

  wantsCompaction(): boolean {
    return this.batching === 0 && this.appendedBytes > this.compactAfter && this.appendedBytes > this.compactedBytes;
  }

  append(record: JournalRecord, sync: boolean): void {
    const line = serialise(record);
    this.appendedBytes += line.length;
    writeSync(this.fd, line);
    if (!sync) return;
    if (this.batching > 0) this.dirty = true;
    else fdatasyncSync(this.fd);
  }

  batch<T>(fn: () => T): T {
    this.batching++;
    try {
      return fn();
    } finally {
      if (--this.batching === 0 && this.dirty) {
        this.dirty = false;
        fdatasyncSync(this.fd);
      }
    }
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}
