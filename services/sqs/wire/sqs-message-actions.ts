// SQS message actions over the embedded queues, in the JSON protocol's shapes (the query protocol
// converts to and from them): SendMessage(Batch), ReceiveMessage, DeleteMessage(Batch),
// ChangeMessageVisibility(Batch).
import type { EmbeddedQueue } from '../embedded-queue.ts';
import { checkFifoBatch } from '../fifo-dedup.ts';
import type { ReceivedMessage, SendInput } from '../queue.ts';
import { SqsError, invalidParameter, missingParameter } from '../sqs-error.ts';
import { md5OfAttributes } from '../sqs-md5.ts';
import { checkMessageAttributes, parseReceiptHandle } from '../sqs-message.ts';
import {
  type Input, type SqsContext, batchEntries, batchFailure, batchResult, int, list, messageAttributes, queueOf, required, str, wireAttributes,
} from './sqs-input.ts';

const BATCH_LIMIT = 1048576;

function sendInput(input: Input): { send: SendInput; md5OfSystem?: string } {
  const body = str(input, 'MessageBody');
  if (body === undefined) throw missingParameter('MessageBody');
  const send: SendInput = { body, messageAttributes: messageAttributes(input.MessageAttributes) };
  const delay = input.DelaySeconds;
  if (delay !== undefined && delay !== null) {
    send.delaySeconds = int(input, 'DelaySeconds', -Infinity, Infinity, 'DelaySeconds must be >= 0 and <= 900.');
  }
  const group = str(input, 'MessageGroupId');
  if (group !== undefined) send.messageGroupId = group;
  const dedup = str(input, 'MessageDeduplicationId');
  if (dedup !== undefined) send.messageDeduplicationId = dedup;
  const system = messageAttributes(input.MessageSystemAttributes);
  if (!system || Object.keys(system).length === 0) return { send };
  for (const name of Object.keys(system)) {
    if (name !== 'AWSTraceHeader') throw invalidParameter(`Message system attribute name '${name}' is invalid.`);
  }
  const trace = system.AWSTraceHeader;
  if (trace.DataType !== 'String' || !trace.StringValue) {
    throw invalidParameter("Message (system) attribute 'AWSTraceHeader' must contain a non-empty value of type 'String'.");
  }
  send.systemAttributes = { AWSTraceHeader: trace.StringValue };
  return { send, md5OfSystem: md5OfAttributes(system) };
}

function sendOne(q: EmbeddedQueue, input: Input): Record<string, unknown> {
  const { send, md5OfSystem } = sendInput(input);
  const r = q.sendNow(send);
  const out: Record<string, unknown> = { MD5OfMessageBody: r.md5OfMessageBody };
  if (r.md5OfMessageAttributes) out.MD5OfMessageAttributes = r.md5OfMessageAttributes;
  if (md5OfSystem) out.MD5OfMessageSystemAttributes = md5OfSystem;
  out.MessageId = r.messageId;
  if (r.sequenceNumber) out.SequenceNumber = r.sequenceNumber;
  return out;
}

function receivedShape(m: ReceivedMessage, systemNames: string[], attrNames: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { MessageId: m.messageId, ReceiptHandle: m.receiptHandle, MD5OfBody: m.md5OfBody, Body: m.body };
  const allSystem = systemNames.includes('All');
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.attributes)) if (allSystem || systemNames.includes(k)) attributes[k] = v;
  if (Object.keys(attributes).length) out.Attributes = attributes;
  const wanted = Object.fromEntries(Object.entries(m.messageAttributes).filter(([name]) => attrNames.some((p) =>
    p === 'All' || p === '.*' || p === name || (p.endsWith('.*') && name.startsWith(p.slice(0, -1))))));
  const md5 = md5OfAttributes(wanted);
  if (md5) {
    out.MD5OfMessageAttributes = md5;
    out.MessageAttributes = wireAttributes(wanted);
  }
  return out;
}

function checkHandle(q: EmbeddedQueue, handle: string): void {
  const parsed = parseReceiptHandle(handle);
  if (!parsed || parsed.queueName !== q.name) {
    throw new SqsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);
  }
}

const visibility = (input: Input): number => {
  const v = int(input, 'VisibilityTimeout', 0, 43200, 'Must be >= 0 and <= 43200, if provided.');
  if (v === undefined) throw missingParameter('VisibilityTimeout');
  return v;
};

export const messageActions: Record<string, (ctx: SqsContext, input: Input) => Promise<Record<string, unknown>> | Record<string, unknown>> = {
  SendMessage: (ctx, input) => sendOne(queueOf(ctx, input), input),

  SendMessageBatch: (ctx, input) => {
    const q = queueOf(ctx, input);
    const entries = batchEntries(input, 'SendMessageBatchRequestEntry');
    let size = 0;
    for (const e of entries) {
      size += Buffer.byteLength(typeof e.MessageBody === 'string' ? e.MessageBody : '', 'utf8');
      try {
        size += checkMessageAttributes(messageAttributes(e.MessageAttributes));
      } catch {
        // reported on the entry itself
      }
    }
    if (size > BATCH_LIMIT) throw new SqsError('BatchRequestTooLong', `Batch requests cannot be longer than ${BATCH_LIMIT} bytes. You have sent ${size} bytes.`);
    if (q.fifo) checkFifoBatch(entries.map((e) => ({ messageGroupId: str(e, 'MessageGroupId'), messageDeduplicationId: str(e, 'MessageDeduplicationId') })), q.attributes);
    const Successful: Record<string, unknown>[] = [];
    const Failed: Record<string, unknown>[] = [];
    ctx.queues.batch(() => {
      for (const e of entries) {
        try {
          Successful.push({ Id: e.Id, ...sendOne(q, e) });
        } catch (err) {
          Failed.push(batchFailure(e.Id as string, err));
        }
      }
    });
    return batchResult(Successful, Failed);
  },

  ReceiveMessage: async (ctx, input) => {
    const q = queueOf(ctx, input);
    const max = int(input, 'MaxNumberOfMessages', 1, 10, 'Must be between 1 and 10, if provided.') ?? 1;
    const vt = int(input, 'VisibilityTimeout', 0, 43200, 'Must be >= 0 and <= 43200, if provided.');
    const wait = int(input, 'WaitTimeSeconds', 0, 20, 'Must be >= 0 and <= 20, if provided.') ?? Number(q.attributes.ReceiveMessageWaitTimeSeconds);
    const systemNames = [...list(input, 'MessageSystemAttributeNames'), ...list(input, 'AttributeNames')].map(String);
    const attrNames = list(input, 'MessageAttributeNames').map(String);
    const got = await q.receive({ maxMessages: max, waitTimeSeconds: wait, visibilityTimeout: vt, signal: ctx.signal });
    return got.length ? { Messages: got.map((m) => receivedShape(m, systemNames, attrNames)) } : {};
  },

  DeleteMessage: (ctx, input) => {
    const q = queueOf(ctx, input);
    const handle = required(input, 'ReceiptHandle');
    checkHandle(q, handle);
    q.deleteNow(handle);
    return {};
  },

  DeleteMessageBatch: (ctx, input) => {
    const q = queueOf(ctx, input);
    const entries = batchEntries(input, 'DeleteMessageBatchRequestEntry');
    const Successful: Record<string, unknown>[] = [];
    const Failed: Record<string, unknown>[] = [];
    ctx.queues.batch(() => {
      for (const e of entries) {
        try {
          const handle = required(e, 'ReceiptHandle');
          checkHandle(q, handle);
          q.deleteNow(handle);
          Successful.push({ Id: e.Id });
        } catch (err) {
          Failed.push(batchFailure(e.Id as string, err));
        }
      }
    });
    return batchResult(Successful, Failed);
  },

  ChangeMessageVisibility: (ctx, input) => {
    const q = queueOf(ctx, input);
    const handle = required(input, 'ReceiptHandle');
    checkHandle(q, handle);
    q.changeVisibilityNow(handle, visibility(input));
    return {};
  },

  ChangeMessageVisibilityBatch: (ctx, input) => {
    const q = queueOf(ctx, input);
    const entries = batchEntries(input, 'ChangeMessageVisibilityBatchRequestEntry');
    const Successful: Record<string, unknown>[] = [];
    const Failed: Record<string, unknown>[] = [];
    for (const e of entries) {
      try {
        const handle = required(e, 'ReceiptHandle');
        checkHandle(q, handle);
        q.changeVisibilityNow(handle, visibility(e));
        Successful.push({ Id: e.Id });
      } catch (err) {
        Failed.push(batchFailure(e.Id as string, err));
      }
    }
    return batchResult(Successful, Failed);
  },
};
