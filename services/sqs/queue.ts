// The queue contract pollers and destinations use: the embedded engine (embedded-queue.ts) and
// external SQS endpoints (aws-sqs.ts) both implement it. Times are the queue's own (not time-scaled).

export interface MessageAttributeValue {
  /** `String` | `Number` | `Binary`, optionally with a `.custom` suffix. */
  DataType: string;
  StringValue?: string;
  BinaryValue?: Buffer;
}

export interface SendInput {
  body: string;
  messageAttributes?: Record<string, MessageAttributeValue>;
  /** 0–900 (standard queues only). */
  delaySeconds?: number;
  messageGroupId?: string;
  messageDeduplicationId?: string;
  /** Message system attributes the sender may set (`AWSTraceHeader`). */
  systemAttributes?: { AWSTraceHeader?: string };
}

export interface SendResult {
  messageId: string;
  md5OfMessageBody: string;
  md5OfMessageAttributes?: string;
  sequenceNumber?: string;
}

export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  /**
   * Every system attribute: ApproximateReceiveCount, SentTimestamp, SenderId, ApproximateFirstReceiveTimestamp
   * (strings); FIFO adds SequenceNumber, MessageGroupId, MessageDeduplicationId; AWSTraceHeader when set.
   */
  attributes: Record<string, string>;
  messageAttributes: Record<string, MessageAttributeValue>;
}

export interface ReceiveOptions {
  /** 1–10. */
  maxMessages: number;
  /** Long poll, 0–20 s. */
  waitTimeSeconds: number;
  /** Overrides the queue's VisibilityTimeout for these messages. */
  visibilityTimeout?: number;
  /** Ends a long poll early: once aborted, the receive resolves with nothing (it takes no message). */
  signal?: AbortSignal;
}

export interface Queue {
  readonly arn: string;
  readonly name: string;
  readonly fifo: boolean;
  /** The queue's VisibilityTimeout attribute, seconds. */
  visibilityTimeoutSeconds(): Promise<number>;
  send(input: SendInput): Promise<SendResult>;
  receive(opts: ReceiveOptions): Promise<ReceivedMessage[]>;
  /** Delete by receipt handle; stale handles (message already gone or received again) are ignored. */
  delete(receiptHandles: string[]): Promise<void>;
  changeVisibility(receiptHandle: string, seconds: number): Promise<void>;
}

/** Finds a queue by ARN: embedded queues first, then configured external endpoints. */
export interface QueueDirectory {
  byArn(arn: string): Queue | undefined;
}
