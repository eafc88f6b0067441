// Sending one payload to one target ARN, for EventBridge rules and Scheduler schedules alike: a Lambda
// function (an asynchronous invoke), an SQS queue (the payload as the message body), an event bus (the
// event put on it). Failures are DeliveryErrors with the code EventBridge writes in a dead-letter message
// and whether retrying can help.
import type { QueueDirectory } from '../sqs/queue.ts';
import type { BusEvent } from './event-bus-model.ts';

export class DeliveryError extends Error {
  readonly code = 'EPH_ERR_TARGET_DELIVERY';
  /** EventBridge's dead-letter ERROR_CODE (NO_RESOURCE, INVALID_PARAMETER, THROTTLING, INTERNAL_ERROR, ...). */
  readonly errorCode: string;
  /** The target service's own error type (ResourceNotFoundException, ...), for Scheduler's dead letters. */
  readonly awsType: string;
  readonly retriable: boolean;

  constructor(errorCode: string, awsType: string, message: string, retriable: boolean) {
    super(message);
    this.errorCode = errorCode;
    this.awsType = awsType;
    this.retriable = retriable;
  }
}

export interface TargetSenders {
  /** An asynchronous invoke of the function an ARN names (throws DeliveryError: no such function, ...). */
  invokeFunction(arn: string, payload: string): Promise<void>;
  queues: QueueDirectory;
  /** Put an event on the bus an ARN names (undefined: bus targets are not delivered). */
  putOnBus?(busArn: string, event: BusEvent, opts: { forwarded: boolean }): void;
  /** Publish to the SNS topic an ARN names (undefined until SNS is embedded). */
  publishToTopic?(topicArn: string, message: string): Promise<void>;
}

export interface SendOptions {
  /** The payload is an event a rule of another bus matched (it goes no further bus to bus). */
  fromBus?: boolean;
  /** FIFO queues: the target's SqsParameters.MessageGroupId. */
  messageGroupId?: string;
  /** FIFO queues: the event id deduplicates. */
  deduplicationId?: string;
}

const serviceOf = (arn: string): string | undefined => /^arn:aws[\w-]*:([a-z0-9-]+):/.exec(arn)?.[1];

/** Where a target ARN cannot be delivered locally, or undefined when it can. */
export function undeliverableTarget(arn: string, senders: Pick<TargetSenders, 'putOnBus' | 'publishToTopic'>): string | undefined {
  switch (serviceOf(arn)) {
    case 'lambda':
    case 'sqs': return undefined;
    case 'events': return senders.putOnBus ? undefined : 'event bus targets are not delivered';
    case 'sns': return senders.publishToTopic ? undefined : 'SNS topics are not emulated';
    default: return `targets of this kind (${arn}) are not emulated`;
  }
}

export async function sendToTarget(senders: TargetSenders, arn: string, payload: string, opts: SendOptions = {}): Promise<void> {
  const skip = undeliverableTarget(arn, senders);
  if (skip) throw new DeliveryError('INVALID_PARAMETER', 'ValidationException', skip, false);
  switch (serviceOf(arn)) {
    case 'lambda':
      return senders.invokeFunction(arn, payload);
    case 'sqs': {
      const queue = senders.queues.byArn(arn);
      if (!queue) throw new DeliveryError('NO_RESOURCE', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.', false);
      try {
        await queue.send({
          body: payload,
          ...(queue.fifo ? { messageGroupId: opts.messageGroupId, messageDeduplicationId: opts.deduplicationId } : {}),
        });
      } catch (err) {
        throw new DeliveryError('SDK_CLIENT_ERROR', (err as { type?: string }).type ?? 'InternalError', (err as Error).message, false);
      }
      return;
    }
    case 'events': {
      let event: BusEvent;
      try {
        event = JSON.parse(payload) as BusEvent;
      } catch {
        throw new DeliveryError('INVALID_JSON', 'ValidationException', 'the input for an event bus target is not an event', false);
      }
      senders.putOnBus!(arn, event, { forwarded: opts.fromBus ?? false });
      return;
    }
    case 'sns':
      return senders.publishToTopic!(arn, payload);
  }
}
