// @aws-sdk/client-sqs (JSON protocol) against the embedded queues of a real emulator: every action,
// AWS's errors (types, codes, statuses), template queues, FIFO order/locking/dedup, long-poll wake-up
// and redrive to the DLQ.
import {
  AddPermissionCommand, ChangeMessageVisibilityBatchCommand, ChangeMessageVisibilityCommand, CreateQueueCommand,
  DeleteMessageBatchCommand, DeleteMessageCommand, DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand, ListQueueTagsCommand, ListQueuesCommand, PurgeQueueCommand, ReceiveMessageCommand,
  SQSClient, SendMessageBatchCommand, SendMessageCommand, SetQueueAttributesCommand, TagQueueCommand, UntagQueueCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator } from '../helpers/emulator.ts';

let em: TestEmulator;
let sqs: SQSClient;
let base: string;
const url = (name: string): string => `${base}/000000000000/${name}`;

interface AwsError { name: string; message: string; Code?: string; $metadata: { httpStatusCode?: number } }
async function failure(p: Promise<unknown>): Promise<AwsError> {
  try {
    await p;
  } catch (err) {
    return err as AwsError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  em = await startEmulator(fixture('templates/sqs-queues.yaml'));
  base = em.url;
  sqs = new SQSClient({ endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
});
afterAll(async () => {
  sqs?.destroy();
  // No functions in this template, so no worker processes to check for orphans.
  if (em) await em.stop();
});

describe('queues', () => {
  it('creates the template queues with their names, attributes and tags', async () => {
    const list = await sqs.send(new ListQueuesCommand({}));
    expect(list.QueueUrls).toEqual([url('Ordered.fifo'), url('tpl-dlq'), url('tpl-unused'), url('tpl-work')]);
    const work = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url('tpl-work'), AttributeNames: ['All'] }));
    expect(work.Attributes).toMatchObject({
      QueueArn: 'arn:aws:sqs:us-east-1:000000000000:tpl-work', VisibilityTimeout: '1',
      RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:tpl-dlq","maxReceiveCount":2}',
    });
    const fifo = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url('Ordered.fifo'), AttributeNames: ['FifoQueue', 'ContentBasedDeduplication', 'MessageRetentionPeriod'] }));
    expect(fifo.Attributes).toEqual({ FifoQueue: 'true', ContentBasedDeduplication: 'true', MessageRetentionPeriod: '600' });
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url('tpl-work') }))).Tags).toEqual({ team: 'core' });
    const sources = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: url('tpl-dlq') }));
    expect(sources.queueUrls).toEqual([url('tpl-work')]);
  });

  it('lists the queues with their counts on GET /_ephemera/queues (the web view reads this shape)', async () => {
    const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'view-1', Attributes: { DelaySeconds: '900' } }))).QueueUrl!;
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'later' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'now', DelaySeconds: 0 }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'taken', DelaySeconds: 0 }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    const res = await fetch(`${em.url}/_ephemera/queues`);
    const { queues } = await res.json() as { queues: Record<string, unknown>[] };
    expect(queues.find((q) => q.name === 'view-1')).toEqual({
      name: 'view-1', arn: 'arn:aws:sqs:us-east-1:000000000000:view-1', url: url('view-1'), fifo: false, visible: 1, inFlight: 1, delayed: 1,
    });
    expect(queues.find((q) => q.name === 'Ordered.fifo')?.fifo).toBe(true);
  });

  it('creates (idempotently), finds, lists in pages, tags and deletes queues', async () => {
    const created = await sqs.send(new CreateQueueCommand({ QueueName: 'life-1', Attributes: { VisibilityTimeout: '45' }, tags: { a: '1' } }));
    expect(created.QueueUrl).toBe(url('life-1'));
    expect((await sqs.send(new CreateQueueCommand({ QueueName: 'life-1', Attributes: { VisibilityTimeout: '45' } }))).QueueUrl).toBe(url('life-1'));
    const exists = await failure(sqs.send(new CreateQueueCommand({ QueueName: 'life-1', Attributes: { VisibilityTimeout: '46' } })));
    expect(exists.name).toBe('QueueNameExists');
    expect(exists.message).toBe('A queue already exists with the same name and a different value for attribute VisibilityTimeout');
    await sqs.send(new CreateQueueCommand({ QueueName: 'life-2' }));
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: 'life-2' }))).QueueUrl).toBe(url('life-2'));
    const page1 = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'life-', MaxResults: 1 }));
    expect(page1.QueueUrls).toEqual([url('life-1')]);
    const page2 = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'life-', MaxResults: 1, NextToken: page1.NextToken }));
    expect(page2.QueueUrls).toEqual([url('life-2')]);
    expect(page2.NextToken).toBeUndefined();
    expect((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'none-' }))).QueueUrls).toBeUndefined();
    await sqs.send(new TagQueueCommand({ QueueUrl: url('life-1'), Tags: { b: '2' } }));
    await sqs.send(new UntagQueueCommand({ QueueUrl: url('life-1'), TagKeys: ['a'] }));
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url('life-1') }))).Tags).toEqual({ b: '2' });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url('life-1'), Attributes: { DelaySeconds: '3' } }));
    expect((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url('life-1'), AttributeNames: ['DelaySeconds'] }))).Attributes).toEqual({ DelaySeconds: '3' });
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url('life-2') }));
    const gone = await failure(sqs.send(new GetQueueUrlCommand({ QueueName: 'life-2' })));
    expect([gone.name, gone.Code, gone.message, gone.$metadata.httpStatusCode])
      .toEqual(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.', 400]);
    expect((await failure(sqs.send(new CreateQueueCommand({ QueueName: 'life-2' })))).name).toBe('QueueDeletedRecently');
  });

  it('answers bad queue input as AWS does', async () => {
    expect((await failure(sqs.send(new CreateQueueCommand({ QueueName: 'bad.name' })))).message)
      .toBe('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
    expect((await failure(sqs.send(new CreateQueueCommand({ QueueName: 'nofifo', Attributes: { FifoQueue: 'true' } })))).message)
      .toBe('The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.');
    const vt = await failure(sqs.send(new CreateQueueCommand({ QueueName: 'badvt', Attributes: { VisibilityTimeout: '43201' } })));
    expect([vt.name, vt.message]).toEqual(['InvalidAttributeValue', 'Invalid value for the parameter VisibilityTimeout.']);
    const fifoAttr = await failure(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url('tpl-unused'), Attributes: { ContentBasedDeduplication: 'true' } })));
    expect([fifoAttr.name, fifoAttr.message]).toEqual(['InvalidAttributeName', 'Unknown Attribute ContentBasedDeduplication.']);
    const type = await failure(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url('Ordered.fifo'), Attributes: { FifoQueue: 'false' } })));
    expect(type.message).toBe('Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.');
    const unsupported = await failure(sqs.send(new AddPermissionCommand({ QueueUrl: url('tpl-unused'), Label: 'l', AWSAccountIds: ['1'], Actions: ['*'] })));
    expect(unsupported.Code).toBe('AWS.SimpleQueueService.UnsupportedOperation');
    const res = await fetch(em.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.Nope' }, body: '{}' });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-query-error')).toBe('InvalidAction;Sender');
    expect(await res.json()).toEqual({ __type: 'com.amazonaws.sqs#InvalidAction', message: 'The action Nope is not valid for this endpoint.' });
  });
});

describe('messages', () => {
  it('sends and receives bodies and attributes with AWS checksums, then deletes', async () => {
    const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'msg-1' }))).QueueUrl!;
    const sent = await sqs.send(new SendMessageCommand({
      QueueUrl, MessageBody: 'Information about current NY Times fiction bestseller for week of 12/11/2016.',
      MessageAttributes: {
        Author: { DataType: 'String', StringValue: 'John Grisham' }, Title: { DataType: 'String', StringValue: 'The Whistler' },
        WeeksOn: { DataType: 'Number', StringValue: '6' },
      },
      MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1' } },
    }));
    expect(sent.MD5OfMessageBody).toBe('bbdc5fdb8be7251f5c910905db994bab');
    expect(sent.MD5OfMessageAttributes).toBe('d25a6aea97eb8f585bfa92d314504a92');
    expect(sent.MD5OfMessageSystemAttributes).toMatch(/^[0-9a-f]{32}$/);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'bin', MessageAttributes: { raw: { DataType: 'Binary', BinaryValue: Buffer.from([0, 255, 7]) } } }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }));
    expect(got.Messages).toHaveLength(2);
    const [first, second] = got.Messages!;
    expect(first.MessageId).toBe(sent.MessageId);
    expect(first.MD5OfMessageAttributes).toBe('d25a6aea97eb8f585bfa92d314504a92');
    expect(first.MessageAttributes?.WeeksOn).toEqual({ DataType: 'Number', StringValue: '6' });
    expect(first.Attributes).toMatchObject({ ApproximateReceiveCount: '1', SenderId: '000000000000', AWSTraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1' });
    expect(Buffer.from(second.MessageAttributes!.raw.BinaryValue!)).toEqual(Buffer.from([0, 255, 7]));
    const onlyCount = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'filter', MessageAttributes: { 'a.x': { DataType: 'String', StringValue: '1' }, b: { DataType: 'String', StringValue: '2' } } }));
    const filtered = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['ApproximateReceiveCount'], MessageAttributeNames: ['a.*'] }));
    expect(filtered.Messages![0].MessageId).toBe(onlyCount.MessageId);
    expect(filtered.Messages![0].Attributes).toEqual({ ApproximateReceiveCount: '1' });
    expect(Object.keys(filtered.Messages![0].MessageAttributes!)).toEqual(['a.x']);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first.ReceiptHandle }));
    const del = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'ok', ReceiptHandle: second.ReceiptHandle }, { Id: 'bad', ReceiptHandle: 'nonsense' }] }));
    expect(del.Successful).toEqual([{ Id: 'ok' }]);
    expect(del.Failed).toEqual([{ Id: 'bad', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'The input receipt handle "nonsense" is not a valid receipt handle.' }]);
    const invalid = await failure(sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: 'nonsense' })));
    expect([invalid.name, invalid.$metadata.httpStatusCode]).toEqual(['ReceiptHandleIsInvalid', 400]);
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    expect(attrs.Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '1' });
  });

  it('sends batches, reporting bad entries and rejecting bad batches', async () => {
    const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'batch-1' }))).QueueUrl!;
    const out = await sqs.send(new SendMessageBatchCommand({
      QueueUrl, Entries: [
        { Id: 'a', MessageBody: 'one' }, { Id: 'b', MessageBody: 'two', DelaySeconds: 1 },
        { Id: 'c', MessageBody: 'three', MessageAttributes: { e: { DataType: 'String', StringValue: '' } } },
      ],
    }));
    expect(out.Successful!.map((s) => s.Id)).toEqual(['a', 'b']);
    expect(out.Failed).toEqual([{ Id: 'c', SenderFault: true, Code: 'InvalidParameterValue', Message: "Message (user) attribute 'e' must contain a non-empty value of type 'String'." }]);
    const errors = await Promise.all([
      failure(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [] }))),
      failure(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: Array.from({ length: 20 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' })) }))),
      failure(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'x', MessageBody: 'a' }, { Id: 'x', MessageBody: 'b' }] }))),
      failure(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'a b', MessageBody: 'a' }] }))),
      failure(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'a', MessageBody: 'x'.repeat(600_000) }, { Id: 'b', MessageBody: 'y'.repeat(448_577) }] }))),
    ]);
    expect(errors.map((e) => [e.name, e.message])).toEqual([
      ['EmptyBatchRequest', 'There should be at least one SendMessageBatchRequestEntry in the request.'],
      ['TooManyEntriesInBatchRequest', 'Maximum number of entries per request are 10. You have sent 20.'],
      ['BatchEntryIdsNotDistinct', 'Id x repeated.'],
      ['InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.'],
      ['BatchRequestTooLong', 'Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.'],
    ]);
    const tooBig = await failure(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x'.repeat(1048577) })));
    expect(tooBig.message).toBe('One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.');
    const badChar = await failure(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'a\u0001' })));
    expect(badChar.name).toBe('InvalidMessageContents');
    const max = await failure(sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 11 })));
    expect([max.name, max.message]).toEqual(['InvalidParameterValue', 'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.']);
    const wait = await failure(sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 21 })));
    expect(wait.message).toBe('Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.');
  });

  it('answers requests past any size limit with SQS errors in the request\'s protocol, never Lambda\'s 413', async () => {
    const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'big-1' }))).QueueUrl!;
    const expected = 'One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.';
    // 7 MiB (over the 6 MiB Invoke limit) reaches SQS's own size check; 17 MiB is over every wire limit.
    for (const size of [7 * 1024 * 1024, 17 * 1024 * 1024]) {
      const err = await failure(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x'.repeat(size) })));
      expect([err.name, err.message, err.$metadata.httpStatusCode]).toEqual(['InvalidParameterValue', expected, 400]);
    }
    const batch = await failure(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'a', MessageBody: 'x'.repeat(7 * 1024 * 1024) }] })));
    expect([batch.name, batch.message]).toEqual(['BatchRequestTooLong', `Batch requests cannot be longer than 1048576 bytes. You have sent ${7 * 1024 * 1024} bytes.`]);
    // The query protocol (form body), raw: an XML <ErrorResponse>.
    const form = await fetch(em.url, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `Action=SendMessage&QueueUrl=${encodeURIComponent(QueueUrl)}&MessageBody=${'x'.repeat(17 * 1024 * 1024)}`,
    });
    expect([form.status, form.headers.get('content-type')]).toEqual([400, 'text/xml']);
    expect(await form.text()).toMatch(new RegExp(`^<\\?xml version="1.0"\\?><ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>Sender</Type><Code>InvalidParameterValue</Code><Message>${expected.replace(/[.]/g, '\\.')}</Message><Detail/></Error><RequestId>[0-9a-f-]{36}</RequestId></ErrorResponse>$`));
    // The JSON protocol, raw: __type, message and the query-compatible error header.
    const json = await fetch(em.url, {
      method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AmazonSQS.SendMessage' },
      body: JSON.stringify({ QueueUrl, MessageBody: 'x'.repeat(17 * 1024 * 1024) }),
    });
    expect([json.status, json.headers.get('x-amzn-query-error'), await json.json()]).toEqual([400, 'InvalidParameterValue;Sender', {
      __type: 'com.amazonaws.sqs#InvalidParameterValueException', message: expected,
    }]);
    expect((await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes).toEqual({ ApproximateNumberOfMessages: '0' });
  });

  it('changes visibility (single and batch) and purges', async () => {
    const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'vis-1' }))).QueueUrl!;
    await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: '1', MessageBody: 'a' }, { Id: '2', MessageBody: 'b' }] }));
    const got = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages!;
    expect(got).toHaveLength(2);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: got[0].ReceiptHandle, VisibilityTimeout: 0 }));
    const notInflight = await failure(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: got[0].ReceiptHandle, VisibilityTimeout: 5 })));
    expect([notInflight.name, notInflight.Code]).toEqual(['MessageNotInflight', 'AWS.SimpleQueueService.MessageNotInflight']);
    const batch = await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl, Entries: [{ Id: 'x', ReceiptHandle: got[1].ReceiptHandle, VisibilityTimeout: 0 }] }));
    expect(batch.Successful).toEqual([{ Id: 'x' }]);
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages).toHaveLength(2);
    await sqs.send(new PurgeQueueCommand({ QueueUrl }));
    const again = await failure(sqs.send(new PurgeQueueCommand({ QueueUrl })));
    expect([again.name, again.message, again.$metadata.httpStatusCode]).toEqual(['PurgeQueueInProgress', 'Only one PurgeQueue operation on vis-1 is allowed every 60 seconds.', 403]);
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
  });

  it('wakes a long poll when a message arrives', async () => {
    const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'long-1' }))).QueueUrl!;
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    await new Promise((r) => setTimeout(r, 200));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'wake up' }));
    expect((await polling).Messages?.map((m) => m.Body)).toEqual(['wake up']);
  });

  it('moves a message past maxReceiveCount to the DLQ (template redrive policy)', async () => {
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url('tpl-work'), MessageBody: 'poison', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } }));
    for (const n of ['1', '2']) {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url('tpl-work'), VisibilityTimeout: 0, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
      expect(got.Messages![0].Attributes!.ApproximateReceiveCount).toBe(n);
    }
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url('tpl-work') }))).Messages).toBeUndefined();
    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url('tpl-dlq'), MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }));
    expect(dead.Messages![0]).toMatchObject({ MessageId: sent.MessageId, Body: 'poison', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } });
    expect(dead.Messages![0].Attributes!.DeadLetterQueueSourceArn).toBe('arn:aws:sqs:us-east-1:000000000000:tpl-work');
  });
});

describe('FIFO', () => {
  it('keeps order per group, locks a group while in flight, and deduplicates', async () => {
    const QueueUrl = url('Ordered.fifo');
    const seqs: string[] = [];
    for (const [g, b] of [['A', 'a1'], ['B', 'b1'], ['A', 'a2']]) {
      seqs.push((await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: b, MessageGroupId: g }))).SequenceNumber!);
    }
    expect(seqs.every((s) => /^\d{20,}$/.test(s))).toBe(true);
    expect(BigInt(seqs[2]) > BigInt(seqs[0])).toBe(true);
    const dup = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'a1', MessageGroupId: 'A' }));
    expect(dup.SequenceNumber).toBe(seqs[0]);
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['All'] }));
    expect(first.Messages!.map((m) => m.Body)).toEqual(['a1']);
    expect(first.Messages![0].Attributes).toMatchObject({ MessageGroupId: 'A', SequenceNumber: seqs[0] });
    const rest = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(rest.Messages!.map((m) => m.Body)).toEqual(['b1']);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first.Messages![0].ReceiptHandle }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages!.map((m) => m.Body)).toEqual(['a2']);
    const noGroup = await failure(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' })));
    expect([noGroup.name, noGroup.message]).toEqual(['MissingParameter', 'The request must contain the parameter MessageGroupId.']);
    const delay = await failure(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x', MessageGroupId: 'A', DelaySeconds: 5 })));
    expect(delay.name).toBe('InvalidParameterValue');
  });
});
