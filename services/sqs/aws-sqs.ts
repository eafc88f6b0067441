// External SQS queues through @aws-sdk/client-sqs: a `Queue` over any SQS-compatible endpoint
// (ElasticMQ, LocalStack, another ephemera) or real AWS (`aws`: default credential chain, the ARN's
// region). Queues are found by ARN with GetQueueUrl (QueueName + QueueOwnerAWSAccountId).
import {
  ChangeMessageVisibilityCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, GetQueueUrlCommand,
  type MessageAttributeValue as SdkAttribute, ReceiveMessageCommand, SendMessageCommand, SQSClient,
} from '@aws-sdk/client-sqs';
import { ExternalEndpoint } from '../external-endpoint.ts';
import type { MessageAttributeValue, Queue, QueueDirectory, ReceiveOptions, ReceivedMessage, SendInput, SendResult } from './queue.ts';

const SQS_ARN = /^arn:aws[a-z-]*:sqs:(?<region>[a-z0-9-]+):(?<account>\d{12}):(?<name>[A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/;

export interface ExternalSqsOptions {
  /** `aws` for real AWS, else the endpoint URL (`http://localhost:9324`). */
  endpoint: string;
}

/** Every queue ARN not embedded resolves here (whether the queue exists shows on first use). */
export class ExternalQueues extends ExternalEndpoint<SQSClient, Queue> implements QueueDirectory {
  constructor(options: ExternalSqsOptions) {
    super({
      endpoint: options.endpoint, arn: SQS_ARN,
      // A local endpoint's queue URLs may name a host only it knows: keep talking to the endpoint itself.
      client: (config) => new SQSClient(options.endpoint === 'aws' ? config : { ...config, useQueueUrlAsEndpoint: false }),
      source: (client, arn, g) => new AwsSqsQueue(client, arn, g.name, g.account),
    });
  }
}

export class AwsSqsQueue implements Queue {
  readonly arn: string;
  readonly name: string;
  readonly fifo: boolean;
  private readonly owner: string;
  private readonly client: SQSClient;
  private url: Promise<string> | undefined;

  constructor(client: SQSClient, arn: string, name: string, owner: string) {
    this.client = client;
    this.arn = arn;
    this.name = name;
    this.owner = owner;
    this.fifo = name.endsWith('.fifo');
  }

  /** The queue URL, looked up once (again after a failed lookup). */
  queueUrl(): Promise<string> {
    this.url ??= this.client.send(new GetQueueUrlCommand({ QueueName: this.name, QueueOwnerAWSAccountId: this.owner }))
      .then((r) => {
        if (!r.QueueUrl) throw new Error(`GetQueueUrl gave no QueueUrl for ${this.name}`);
        return r.QueueUrl;
      })
      .catch((err: unknown) => {
        this.url = undefined;
        throw err;
      });
    return this.url;
  }

  async visibilityTimeoutSeconds(): Promise<number> {
    const r = await this.client.send(new GetQueueAttributesCommand({ QueueUrl: await this.queueUrl(), AttributeNames: ['VisibilityTimeout'] }));
    return Number(r.Attributes?.VisibilityTimeout ?? 30);
  }

  async send(input: SendInput): Promise<SendResult> {
    const r = await this.client.send(new SendMessageCommand({
      QueueUrl: await this.queueUrl(), MessageBody: input.body, DelaySeconds: input.delaySeconds,
      MessageAttributes: input.messageAttributes && toSdkAttributes(input.messageAttributes),
      MessageGroupId: input.messageGroupId, MessageDeduplicationId: input.messageDeduplicationId,
      MessageSystemAttributes: input.systemAttributes?.AWSTraceHeader
        ? { AWSTraceHeader: { DataType: 'String', StringValue: input.systemAttributes.AWSTraceHeader } } : undefined,
    }));
    return { messageId: r.MessageId ?? '', md5OfMessageBody: r.MD5OfMessageBody ?? '', md5OfMessageAttributes: r.MD5OfMessageAttributes, sequenceNumber: r.SequenceNumber };
  }

  async receive(opts: ReceiveOptions): Promise<ReceivedMessage[]> {
    const cmd = new ReceiveMessageCommand({
      QueueUrl: await this.queueUrl(), MaxNumberOfMessages: opts.maxMessages, WaitTimeSeconds: opts.waitTimeSeconds,
      VisibilityTimeout: opts.visibilityTimeout, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'],
    });
    let r;
    try {
      r = await this.client.send(cmd, { abortSignal: opts.signal });
    } catch (err) {
      if (opts.signal?.aborted) return [];
      throw err;
    }
    return (r.Messages ?? []).map((m) => ({
      messageId: m.MessageId ?? '', receiptHandle: m.ReceiptHandle ?? '', body: m.Body ?? '', md5OfBody: m.MD5OfBody ?? '',
      md5OfMessageAttributes: m.MD5OfMessageAttributes, attributes: { ...(m.Attributes ?? {}) } as Record<string, string>,
      messageAttributes: fromSdkAttributes(m.MessageAttributes ?? {}),
    }));
  }

  async delete(receiptHandles: string[]): Promise<void> {
    const url = await this.queueUrl();
    // Ten per request; failed entries (stale handles) are ignored as the contract says.
    for (let i = 0; i < receiptHandles.length; i += 10) {
      const entries = receiptHandles.slice(i, i + 10).map((h, j) => ({ Id: String(j), ReceiptHandle: h }));
      await this.client.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: entries }));
    }
  }

  async changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    await this.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: await this.queueUrl(), ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }));
  }
}

function toSdkAttributes(attrs: Record<string, MessageAttributeValue>): Record<string, SdkAttribute> {
  const out: Record<string, SdkAttribute> = {};
  for (const [k, v] of Object.entries(attrs)) out[k] = { DataType: v.DataType, StringValue: v.StringValue, BinaryValue: v.BinaryValue };
  return out;
}

function fromSdkAttributes(attrs: Record<string, SdkAttribute>): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [k, v] of Object.entries(attrs)) {
    out[k] = { DataType: v.DataType ?? 'String' };
    if (v.StringValue !== undefined) out[k].StringValue = v.StringValue;
    if (v.BinaryValue !== undefined) out[k].BinaryValue = Buffer.from(v.BinaryValue);
  }
  return out;
}
