// Where an asynchronous event ends (reference §7): the invocation record AWS writes, delivered to an
// OnSuccess/OnFailure destination (SQS queue, SNS topic or function), and the original event to the
// dead-letter queue or topic with RequestID/ErrorCode/ErrorMessage attributes. EventBridge, S3, FIFO
// queues and the function itself receive nothing.
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.ts';
import type { MessageAttributeValue, QueueDirectory } from '../../services/sqs/queue.ts';
import type { FunctionConfig } from '../model.ts';

export type AsyncCondition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded' | 'ZeroReservedConcurrency';

export interface FinishedEvent {
  requestId: string;
  config: FunctionConfig;
  /** Qualified ARN of what was invoked (`...:$LATEST` for an unqualified invoke). */
  functionArn: string;
  payload: Buffer;
  condition: AsyncCondition;
  approximateInvokeCount: number;
  /** The last attempt's answer, when an attempt reached the function. */
  last?: { executedVersion: string; functionError?: string; payload: Buffer };
  /** HTTP status of the last failure (200 for a function error, 429 for a throttle). */
  errorCode: number;
  /** The invocation's X-Ray trace header: an SQS destination's message carries it as AWSTraceHeader. */
  traceId?: string;
}

export interface DestinationDeps {
  /** Destination and dead-letter queues (embedded, then --sqs-endpoint). */
  queues: QueueDirectory;
  /** Destination and dead-letter topics (the embedded SNS). */
  topics: TopicPublisher;
  /** A function destination: a new asynchronous event of that function (the async invoker's own enqueue). */
  invokeAsync: (functionRef: string, payload: Buffer) => Promise<string>;
  logger: Logger;
  /** The record's timestamp. */
  clock: Clock;
}

/** Publishing to an embedded SNS topic; throws (SNS's NotFound) when there is no such topic. */
export interface TopicPublisher {
  publish(topicArn: string, message: string, attributes?: Record<string, MessageAttributeValue>): void;
}

/** Destination kinds ephemera does not deliver to (reported at start-up and per event). */
export function undeliverable(arn: string): string | undefined {
  const service = /^arn:aws[a-z-]*:([a-z0-9-]+):/.exec(arn)?.[1];
  if (service === 'events') return 'EventBridge buses are not emulated';
  if (service === 's3') return 'S3 buckets are not emulated';
  if (service !== 'sqs' && service !== 'sns' && service !== 'lambda') return `unrecognised destination ${arn}`;
  return undefined;
}

/** Why `arn` receives nothing from the function `self` (its unqualified ARN), or undefined. */
function refused(arn: string, self: string): string | undefined {
  if (arn === self || arn.startsWith(`${self}:`)) return "You can't specify the function as a destination for itself.";
  if (arn.endsWith('.fifo')) return 'FIFO queues are not supported as destinations';
  return undeliverable(arn);
}

/** Start-up warnings for destinations and dead-letter targets that will not receive anything. */
export function destinationWarnings(functions: FunctionConfig[], ctx: { region: string; accountId: string }): { resource: string; message: string }[] {
  const out: { resource: string; message: string }[] = [];
  for (const fn of functions) {
    const self = `arn:aws:lambda:${ctx.region}:${ctx.accountId}:function:${fn.name}`;
    for (const arn of [fn.eventInvokeConfig?.onSuccess, fn.eventInvokeConfig?.onFailure, fn.deadLetterTargetArn]) {
      const why = arn ? refused(arn, self) : undefined;
      if (why) out.push({ resource: fn.logicalId, message: `asynchronous results for ${arn} are not delivered: ${why}` });
    }
  }
  return out;
}

export class Destinations {
  private readonly deps: DestinationDeps;

  constructor(deps: DestinationDeps) {
    this.deps = deps;
  }

  /** Deliver the record (and, on failure, the DLQ message); never throws. */
  async finish(ev: FinishedEvent): Promise<void> {
    const eic = ev.config.eventInvokeConfig;
    const failed = ev.condition !== 'Success';
    const target = failed ? eic?.onFailure : eic?.onSuccess;
    const jobs: Promise<void>[] = [];
    if (target) jobs.push(this.send(target, Buffer.from(JSON.stringify(invocationRecord(ev, new Date(this.deps.clock.now())))), ev, 'destination'));
    if (failed && ev.config.deadLetterTargetArn) jobs.push(this.deadLetter(ev.config.deadLetterTargetArn, ev));
    if (failed && !target && !ev.config.deadLetterTargetArn) {
      this.deps.logger.warn({ function: ev.config.name, requestId: ev.requestId, condition: ev.condition, approximateInvokeCount: ev.approximateInvokeCount },
        `asynchronous event dropped (${ev.condition}): the function has no OnFailure destination or dead-letter queue`);
    }
    await Promise.all(jobs);
  }

  private async send(arn: string, body: Buffer, ev: FinishedEvent, what: string): Promise<void> {
    const skip = refused(arn, selfArn(ev));
    if (skip) {
      this.deps.logger.warn({ function: ev.config.name, requestId: ev.requestId, destination: arn }, `${what} not delivered: ${skip}`);
      return;
    }
    try {
      if (arn.startsWith('arn:aws:lambda:') || /^arn:aws[a-z-]*:lambda:/.test(arn)) {
        await this.deps.invokeAsync(arn, body);
      } else if (isTopic(arn)) {
        this.deps.topics.publish(arn, body.toString('utf8'));
      } else {
        const queue = this.deps.queues.byArn(arn);
        if (!queue) throw new Error(`queue ${arn} does not exist`);
        // AWS sends the record with the event's trace header (LocalStack's AWS-recorded snapshot
        // test_reserved_concurrency, 2025-11: the message's AWSTraceHeader attribute).
        await queue.send({ body: body.toString('utf8'), ...(ev.traceId ? { systemAttributes: { AWSTraceHeader: ev.traceId } } : {}) });
      }
    } catch (err) {
      this.deps.logger.error({ function: ev.config.name, requestId: ev.requestId, destination: arn, err: (err as Error).message }, `${what} delivery failed; the record is dropped (as AWS drops undeliverable records)`);
    }
  }

  private async deadLetter(arn: string, ev: FinishedEvent): Promise<void> {
    const skip = refused(arn, selfArn(ev));
    if (skip || !/^arn:aws[a-z-]*:sqs:/.test(arn) && !isTopic(arn)) {
      this.deps.logger.warn({ function: ev.config.name, requestId: ev.requestId, deadLetterQueue: arn }, `dead-letter message not delivered: ${skip ?? 'the target is not an SQS queue or SNS topic'}`);
      return;
    }
    const attributes: Record<string, MessageAttributeValue> = {
      RequestID: { DataType: 'String', StringValue: ev.requestId },
      ErrorCode: { DataType: 'Number', StringValue: String(ev.errorCode) },
      ErrorMessage: { DataType: 'String', StringValue: errorMessage(ev) },
    };
    if (isTopic(arn)) {
      // Published as the message, the attributes as message attributes (AWS's dead-letter topic).
      try {
        this.deps.topics.publish(arn, ev.payload.toString('utf8'), attributes);
      } catch (err) {
        this.deps.logger.error({ function: ev.config.name, requestId: ev.requestId, deadLetterQueue: arn, err: (err as Error).message }, 'dead-letter delivery failed; the event is dropped');
      }
      return;
    }
    const queue = this.deps.queues.byArn(arn);
    if (!queue) {
      this.deps.logger.error({ function: ev.config.name, requestId: ev.requestId, deadLetterQueue: arn }, 'dead-letter queue does not exist; the event is dropped');
      return;
    }
    try {
      await queue.send({ body: ev.payload.toString('utf8'), messageAttributes: attributes });
    } catch (err) {
      this.deps.logger.error({ function: ev.config.name, requestId: ev.requestId, deadLetterQueue: arn, err: (err as Error).message }, 'dead-letter delivery failed; the event is dropped');
    }
  }
}

const isTopic = (arn: string): boolean => /^arn:aws[a-z-]*:sns:/.test(arn);

/** The unqualified ARN of the function an event belongs to (its functionArn is qualified). */
function selfArn(ev: FinishedEvent): string {
  return ev.functionArn.split(':').slice(0, 7).join(':');
}

/** The record AWS writes to a destination (field order as AWS writes it). */
export function invocationRecord(ev: FinishedEvent, now = new Date()): Record<string, unknown> {
  const record: Record<string, unknown> = {
    version: '1.0',
    timestamp: now.toISOString(),
    requestContext: {
      requestId: ev.requestId, functionArn: ev.functionArn, condition: ev.condition, approximateInvokeCount: ev.approximateInvokeCount,
    },
    requestPayload: parsed(ev.payload),
  };
  if (ev.last && ev.condition !== 'ZeroReservedConcurrency') {
    record.responseContext = {
      statusCode: 200, executedVersion: ev.last.executedVersion, ...(ev.last.functionError ? { functionError: ev.last.functionError } : {}),
    };
    record.responsePayload = parsed(ev.last.payload);
  }
  return record;
}

function parsed(payload: Buffer): unknown {
  if (payload.length === 0) return null;
  const text = payload.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** ErrorMessage attribute: the function's errorMessage (or the condition), at most 1 KB. */
function errorMessage(ev: FinishedEvent): string {
  let message: string = ev.condition;
  const answer = ev.last ? parsed(ev.last.payload) : undefined;
  if (answer && typeof answer === 'object' && typeof (answer as { errorMessage?: unknown }).errorMessage === 'string') {
    message = (answer as { errorMessage: string }).errorMessage;
  }
  if (ev.errorCode === 429) message = 'Rate Exceeded.';
  const bytes = Buffer.from(message || ev.condition);
  return bytes.length <= 1024 ? bytes.toString() : bytes.subarray(0, 1024).toString().replace(/\uFFFD$/, '');
}
