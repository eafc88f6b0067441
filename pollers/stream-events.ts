// What the stream pollers send and read, in AWS's exact shapes: Kinesis and DynamoDB event records,
// the tumbling-window envelope, the OnFailure record (KinesisBatchInfo / DDBStreamBatchInfo), the
// object FilterCriteria match against, and the function's answer (batchItemFailures, state).
import { lowestSequenceNumber, parseBatchItemFailures } from './batch-item-failures.ts';
import type { StreamKind, StreamRecord } from '../services/streams/stream.ts';
import { ddbRecord } from '../services/dynamodb-streams/dynamodb-streams-wire.ts';

export type EventRecord = Record<string, unknown>;

export interface EventContext {
  kind: StreamKind;
  streamArn: string;
  shardId: string;
  region: string;
  /** The execution role ARN (invokeIdentityArn). */
  roleArn: string;
}

export function eventRecord(r: StreamRecord, ctx: EventContext): EventRecord {
  if (ctx.kind === 'dynamodb') return { ...ddbRecord(r, ctx.region), eventSourceARN: ctx.streamArn };
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: r.partitionKey,
      sequenceNumber: r.sequenceNumber,
      data: r.data.toString('base64'),
      approximateArrivalTimestamp: r.arrival / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${ctx.shardId}:${r.sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: ctx.roleArn,
    awsRegion: ctx.region,
    eventSourceARN: ctx.streamArn,
  };
}

/** What FilterCriteria see: the event record with the Kinesis metadata (and base64 `data`) lifted to the top. */
export function filterSubject(event: EventRecord): Record<string, unknown> {
  return event.kinesis ? { ...event, ...(event.kinesis as Record<string, unknown>) } : event;
}

/** The unqualified function ARN (AWS's failure records never carry the alias or version). */
export function unqualified(functionArn: string): string {
  return functionArn.split(':').slice(0, 7).join(':');
}

export type FailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

export interface FailureInput {
  kind: StreamKind;
  streamArn: string;
  shardId: string;
  functionArn: string;
  requestId: string;
  condition: FailureCondition;
  approximateInvokeCount: number;
  records: StreamRecord[];
  /** Absent for RecordAgeExceeded. */
  response?: { executedVersion: string; functionError: string | null };
  now: number;
}

export function failureRecord(f: FailureInput): Record<string, unknown> {
  const first = f.records[0];
  const last = f.records.at(-1)!;
  // DynamoDB's arrival times are whole seconds, written without a fraction (LocalStack's AWS-recorded
  // snapshot test_dynamodb_event_source_mapping_with_on_failure_destination_config, 2025-11:
  // "2022-07-13T13:48:01Z"); Kinesis keeps its milliseconds.
  const arrival = (ms: number): string => (f.kind === 'dynamodb' ? new Date(ms - (ms % 1000)).toISOString().replace('.000Z', 'Z') : new Date(ms).toISOString());
  const info = {
    shardId: f.shardId,
    startSequenceNumber: first.sequenceNumber,
    endSequenceNumber: last.sequenceNumber,
    approximateArrivalOfFirstRecord: arrival(first.arrival),
    approximateArrivalOfLastRecord: arrival(last.arrival),
    batchSize: f.records.length,
    streamArn: f.streamArn,
  };
  return {
    requestContext: {
      requestId: f.requestId, functionArn: unqualified(f.functionArn), condition: f.condition, approximateInvokeCount: f.approximateInvokeCount,
    },
    ...(f.response ? { responseContext: { statusCode: 200, executedVersion: f.response.executedVersion, functionError: f.response.functionError } } : {}),
    version: '1.0',
    timestamp: new Date(f.now).toISOString(),
    [f.kind === 'kinesis' ? 'KinesisBatchInfo' : 'DDBStreamBatchInfo']: info,
  };
}

export type ResponseVerdict =
  | { ok: true; state?: Record<string, unknown> }
  | { ok: false; partial: true; failedFrom: string; state?: Record<string, unknown> }
  | { ok: false; partial: false; reason: string };

/**
 * Read an answer without a function error: ReportBatchItemFailures through the shared parser (the
 * checkpoint goes before the lowest failed sequence number); with tumbling windows the answer must
 * carry a `state` object.
 */
export function readResponse(payload: Buffer, seqs: string[], opts: { partial: boolean; tumbling: boolean }): ResponseVerdict {
  let state: Record<string, unknown> | undefined;
  if (opts.tumbling) {
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      body = undefined;
    }
    const s = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).state : undefined;
    if (typeof s !== 'object' || s === null || Array.isArray(s)) return { ok: false, partial: false, reason: 'the answer has no state object (tumbling window)' };
    state = s as Record<string, unknown>;
  }
  if (!opts.partial) return { ok: true, state };
  const r = parseBatchItemFailures(payload, new Set(seqs), 'stream');
  if (r.kind === 'success') return { ok: true, state };
  if (r.kind === 'failure') return { ok: false, partial: false, reason: r.reason };
  return { ok: false, partial: true, failedFrom: lowestSequenceNumber(r.failed)!, state };
}
