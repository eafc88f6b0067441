// Reading SQS request parameters the same way for both protocols (the query protocol's values are
// all strings, the JSON protocol's are typed), with AWS's errors for missing or malformed ones.
import type { MessageAttributeValue } from '../queue.ts';
import type { EmbeddedQueue } from '../embedded-queue.ts';
import type { EmbeddedQueues } from '../embedded-queues.ts';
import { SqsError, invalidParameter, invalidValue, missingParameter } from '../sqs-error.ts';

export type Input = Record<string, unknown>;

export interface SqsContext {
  queues: EmbeddedQueues;
  /** The Host header the client used (queue URLs are built from it). */
  host: string;
  /** The queue URL the request was sent to (query protocol on `/<account>/<queue>`), if any. */
  pathQueueUrl?: string;
  /** Aborted when the client has gone away: a long poll ends without taking messages. */
  signal?: AbortSignal;
}

export function str(input: Input, name: string): string | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidParameter(`Value ${JSON.stringify(v)} for parameter ${name} is invalid. Reason: must be a string.`);
  return v;
}

export function required(input: Input, name: string): string {
  const v = str(input, name);
  if (v === undefined || v === '') throw missingParameter(name);
  return v;
}

/** An integer parameter (a number in JSON, a decimal string in the query protocol). */
export function int(input: Input, name: string, min: number, max: number, reason: string): number | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw invalidValue(name, typeof v === 'string' ? v : JSON.stringify(v), reason);
  return n;
}

export function list(input: Input, name: string): unknown[] {
  const v = input[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalidParameter(`Value for parameter ${name} is invalid. Reason: must be a list.`);
  return v;
}

export function stringMap(input: Input, name: string): Record<string, string> {
  const v = input[name];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidParameter(`Value for parameter ${name} is invalid. Reason: must be a map.`);
  return v as Record<string, string>;
}

export function queueOf(ctx: SqsContext, input: Input): EmbeddedQueue {
  const url = str(input, 'QueueUrl') || ctx.pathQueueUrl;
  if (!url) throw missingParameter('QueueUrl');
  return ctx.queues.byUrl(url);
}

/** MessageAttributes as given on the wire (BinaryValue base64) → the engine's form. */
export function messageAttributes(v: unknown): Record<string, MessageAttributeValue> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidParameter('Value for parameter MessageAttributes is invalid. Reason: must be a map.');
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, raw] of Object.entries(v as Record<string, Record<string, unknown>>)) {
    const a = raw ?? {};
    const attr: MessageAttributeValue = { DataType: typeof a.DataType === 'string' ? a.DataType : '' };
    if (typeof a.StringValue === 'string') attr.StringValue = a.StringValue;
    if (typeof a.BinaryValue === 'string') attr.BinaryValue = Buffer.from(a.BinaryValue, 'base64');
    if (a.StringListValues !== undefined || a.BinaryListValues !== undefined) {
      throw new SqsError('InvalidParameterValueException', `Message (user) attribute '${name}' uses StringListValues/BinaryListValues, which SQS does not support yet.`);
    }
    out[name] = attr;
  }
  return out;
}

/** The wire form of message attributes (BinaryValue base64). */
export function wireAttributes(attrs: Record<string, MessageAttributeValue>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [name, a] of Object.entries(attrs)) {
    const w: Record<string, string> = { DataType: a.DataType };
    if (a.StringValue !== undefined) w.StringValue = a.StringValue;
    if (a.BinaryValue !== undefined) w.BinaryValue = a.BinaryValue.toString('base64');
    out[name] = w;
  }
  return out;
}

const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

/** Batch entries: 1–10, distinct ids of the allowed form. */
export function batchEntries(input: Input, entryName: string): Input[] {
  const entries = list(input, 'Entries') as Input[];
  if (entries.length === 0) throw new SqsError('EmptyBatchRequest', `There should be at least one ${entryName} in the request.`);
  if (entries.length > 10) {
    throw new SqsError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${entries.length}.`);
  }
  const seen = new Set<string>();
  for (const e of entries) {
    const id = typeof e?.Id === 'string' ? e.Id : '';
    if (!ENTRY_ID.test(id)) {
      throw new SqsError('InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.');
    }
    if (seen.has(id)) throw new SqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
    seen.add(id);
  }
  return entries;
}

/** A batch answer: AWS leaves out an empty Successful or Failed list (recorded, 2024-04). */
export function batchResult(successful: Record<string, unknown>[], failed: Record<string, unknown>[]): Record<string, unknown> {
  return { ...(successful.length ? { Successful: successful } : {}), ...(failed.length ? { Failed: failed } : {}) };
}

export function batchFailure(id: string, err: unknown): Record<string, unknown> {
  if (err instanceof SqsError) return { Id: id, SenderFault: err.fault === 'Sender', Code: err.queryCode, Message: err.message };
  return { Id: id, SenderFault: false, Code: 'InternalError', Message: (err as Error).message };
}
