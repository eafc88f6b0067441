// The embedded SQS engine without HTTP: visibility, delays, redrive, FIFO groups and dedup, retention,
// long polling, checksums and the journal, with an injected clock where time matters.
import { appendFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedQueues } from '../../services/sqs/embedded-queues.ts';
import { SqsError } from '../../services/sqs/sqs-error.ts';
import { md5OfAttributes, md5OfBody } from '../../services/sqs/sqs-md5.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

const clock = new ManualClock({ start: 1_700_000_000_000 });
const make = (dataDir?: string): EmbeddedQueues => new EmbeddedQueues({ region: 'us-east-1', accountId: '000000000000', clock, dataDir });
const one = { maxMessages: 1, waitTimeSeconds: 0 };
const ten = { maxMessages: 10, waitTimeSeconds: 0 };

function sqsError(fn: () => unknown): SqsError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SqsError) return err;
    throw err;
  }
  throw new Error('expected an SqsError');
}

describe('checksums', () => {
  it('match the values AWS sends', () => {
    expect(md5OfBody('Test message.')).toBe('e4e68fb7bd0e697a0ae8f1bb342846b3');
    // AWS's SendMessage/ReceiveMessage documentation example (the §8.2 Lambda event reuses this checksum
    // with a shortened attribute set, for which it is not the real value).
    expect(md5OfBody('Information about current NY Times fiction bestseller for week of 12/11/2016.')).toBe('bbdc5fdb8be7251f5c910905db994bab');
    expect(md5OfAttributes({
      WeeksOn: { DataType: 'Number', StringValue: '6' }, Author: { DataType: 'String', StringValue: 'John Grisham' },
      Title: { DataType: 'String', StringValue: 'The Whistler' },
    })).toBe('d25a6aea97eb8f585bfa92d314504a92');
    expect(md5OfAttributes({})).toBeUndefined();
  });

  it('does not depend on the order attributes were given in, and tells binary from string', () => {
    const a = md5OfAttributes({ b: { DataType: 'Number', StringValue: '1' }, a: { DataType: 'String', StringValue: 'x' } });
    const b = md5OfAttributes({ a: { DataType: 'String', StringValue: 'x' }, b: { DataType: 'Number', StringValue: '1' } });
    expect(a).toBe(b);
    expect(md5OfAttributes({ a: { DataType: 'Binary', BinaryValue: Buffer.from('x') } }))
      .not.toBe(md5OfAttributes({ a: { DataType: 'Binary', StringValue: 'x' } }));
  });
});

describe('standard queue', () => {
  it('hides a received message for the visibility timeout, then redelivers it with a new handle and count', async () => {
    const q = make().create('q1', { VisibilityTimeout: '30' });
    const sent = await q.send({ body: 'hello', messageAttributes: { Author: { DataType: 'String', StringValue: 'John' } } });
    expect(sent.md5OfMessageBody).toBe(md5OfBody('hello'));
    expect(sent.md5OfMessageAttributes).toBe(md5OfAttributes({ Author: { DataType: 'String', StringValue: 'John' } }));
    const [first] = await q.receive(one);
    expect(first.attributes.ApproximateReceiveCount).toBe('1');
    expect(first.attributes.SentTimestamp).toBe(String(clock.now()));
    expect(first.messageAttributes.Author.StringValue).toBe('John');
    expect(await q.receive(one)).toEqual([]);
    expect(q.counts()).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
    await clock.advance(30_000);
    const [second] = await q.receive(one);
    expect(second.messageId).toBe(first.messageId);
    expect(second.receiptHandle).not.toBe(first.receiptHandle);
    expect(second.attributes.ApproximateReceiveCount).toBe('2');
    expect(second.attributes.ApproximateFirstReceiveTimestamp).toBe(first.attributes.ApproximateFirstReceiveTimestamp);
    await q.delete([first.receiptHandle]);
    expect(q.counts().inFlight).toBe(1);
    await q.delete([second.receiptHandle]);
    expect(q.counts()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('changes visibility only of an in-flight message', async () => {
    const q = make().create('q2');
    await q.send({ body: 'x' });
    const [m] = await q.receive({ ...one, visibilityTimeout: 100 });
    await q.changeVisibility(m.receiptHandle, 0);
    expect(q.counts().visible).toBe(1);
    expect(sqsError(() => q.changeVisibilityNow(m.receiptHandle, 10)).type).toBe('MessageNotInflight');
    const [again] = await q.receive(one);
    expect(sqsError(() => q.changeVisibilityNow(m.receiptHandle, 10)).type).toBe('InvalidParameterValueException');
    q.changeVisibilityNow(again.receiptHandle, 60);
    await clock.advance(59_000);
    expect(await q.receive(one)).toEqual([]);
    await clock.advance(1_000);
    expect(await q.receive(one)).toHaveLength(1);
  });

  it('delays messages (per message and per queue)', async () => {
    const q = make().create('q3', { DelaySeconds: '10' });
    await q.send({ body: 'queue delay' });
    await q.send({ body: 'no delay', delaySeconds: 0 });
    expect(q.counts()).toEqual({ visible: 1, inFlight: 0, delayed: 1 });
    expect((await q.receive(ten)).map((m) => m.body)).toEqual(['no delay']);
    await clock.advance(10_000);
    expect((await q.receive(ten)).map((m) => m.body)).toEqual(['queue delay']);
    expect(sqsError(() => q.sendNow({ body: 'x', delaySeconds: 901 })).message).toBe('Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.');
  });

  it('drops messages older than the retention period', async () => {
    const q = make().create('q4', { MessageRetentionPeriod: '60' });
    await q.send({ body: 'old' });
    await clock.advance(59_000);
    await q.send({ body: 'new' });
    await clock.advance(1_000);
    expect(q.counts().visible).toBe(1);
    expect((await q.receive(ten)).map((m) => m.body)).toEqual(['new']);
  });

  it('moves a message to the DLQ when its receive count would pass maxReceiveCount, keeping its attributes', async () => {
    const queues = make();
    const dlq = queues.create('dlq');
    const q = queues.create('src', { VisibilityTimeout: '5', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: '2' }) });
    expect(JSON.parse(q.attributes.RedrivePolicy)).toEqual({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 });
    const sent = await q.send({ body: 'poison', messageAttributes: { n: { DataType: 'Number', StringValue: '7' } } });
    for (let i = 1; i <= 2; i++) {
      const [m] = await q.receive(one);
      expect(m.attributes.ApproximateReceiveCount).toBe(String(i));
      await clock.advance(5_000);
    }
    expect(await q.receive(one)).toEqual([]);
    expect(q.counts()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    const [dead] = await dlq.receive(one);
    expect(dead.messageId).toBe(sent.messageId);
    expect(dead.body).toBe('poison');
    expect(dead.attributes.DeadLetterQueueSourceArn).toBe(q.arn);
    expect(dead.messageAttributes.n).toEqual({ DataType: 'Number', StringValue: '7' });
    expect(dead.md5OfMessageAttributes).toBe(sent.md5OfMessageAttributes);
  });

  it('rejects what AWS rejects', async () => {
    const queues = make();
    const q = queues.create('q5', { MaximumMessageSize: '1024' });
    expect(sqsError(() => q.sendNow({ body: '' })).message).toBe('The request must contain the parameter MessageBody.');
    expect(sqsError(() => q.sendNow({ body: 'a\u0000b' })).type).toBe('InvalidMessageContents');
    expect(sqsError(() => q.sendNow({ body: 'x'.repeat(1025) })).message)
      .toBe('One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.');
    expect(sqsError(() => q.sendNow({ body: 'x', messageAttributes: { a: { DataType: 'String', StringValue: '' } } })).message)
      .toBe("Message (user) attribute 'a' must contain a non-empty value of type 'String'.");
    expect(sqsError(() => queues.create('bad name')).type).toBe('InvalidParameterValueException');
    expect(sqsError(() => queues.create('q5', { VisibilityTimeout: '40' })).message)
      .toBe('A queue already exists with the same name and a different value for attribute VisibilityTimeout');
    expect(queues.create('q5', { MaximumMessageSize: '1024' })).toBe(q);
    expect(sqsError(() => queues.create('q6', { VisibilityTimeout: '43201' })).type).toBe('InvalidAttributeValue');
    expect(sqsError(() => queues.create('q6', { ContentBasedDeduplication: 'true' })).message).toBe('Unknown Attribute ContentBasedDeduplication.');
    // A standard queue knows no FifoQueue attribute (AWS-recorded); FIFO-only settings are named.
    expect(sqsError(() => queues.setAttributes(q, { FifoQueue: 'true' })).message).toBe('Unknown Attribute FifoQueue.');
    expect(sqsError(() => queues.create('q6b', { FifoQueue: 'false' })).message).toBe('Unknown Attribute FifoQueue.');
    expect(sqsError(() => queues.create('q6c', { DeduplicationScope: 'queue' })).message).toBe('You can specify the DeduplicationScope only when FifoQueue is set to true.');
    expect(sqsError(() => queues.create('q7', { RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:nope","maxReceiveCount":3}' })).message)
      .toContain('Reason: Dead letter target does not exist.');
    queues.delete(q);
    expect(sqsError(() => queues.create('q5')).type).toBe('QueueDeletedRecently');
    await clock.advance(60_000);
    expect(queues.create('q5').name).toBe('q5');
  });

  it('reports attributes with AWS names and string values', () => {
    const queues = make();
    const q = queues.create('attrs');
    const all = queues.getAttributes(q, ['All']);
    expect(all).toMatchObject({
      QueueArn: 'arn:aws:sqs:us-east-1:000000000000:attrs', VisibilityTimeout: '30', MaximumMessageSize: '1048576',
      MessageRetentionPeriod: '345600', DelaySeconds: '0', ReceiveMessageWaitTimeSeconds: '0', ApproximateNumberOfMessages: '0',
      CreatedTimestamp: String(Math.floor(clock.now() / 1000)),
    });
    expect(all.FifoQueue).toBeUndefined();
    expect(queues.getAttributes(q, ['VisibilityTimeout'])).toEqual({ VisibilityTimeout: '30' });
    expect(sqsError(() => queues.getAttributes(q, ['Nope'])).type).toBe('InvalidAttributeName');
  });
});

describe('FIFO queue', () => {
  it('locks a group while one of its messages is in flight and keeps order per group', async () => {
    const q = make().create('f.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    for (const [g, b] of [['A', 'a1'], ['A', 'a2'], ['B', 'b1'], ['A', 'a3']]) await q.send({ body: b, messageGroupId: g });
    const [a1] = await q.receive(one);
    expect(a1.body).toBe('a1');
    expect(a1.attributes.MessageGroupId).toBe('A');
    const [b1] = await q.receive(one);
    expect(b1.body).toBe('b1');
    expect(await q.receive(ten)).toEqual([]);
    await q.delete([a1.receiptHandle]);
    expect((await q.receive(ten)).map((m) => m.body)).toEqual(['a2', 'a3']);
  });

  it('redelivers a failed message before the rest of its group', async () => {
    const q = make().create('g.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true', VisibilityTimeout: '10' });
    for (const b of ['1', '2', '3']) await q.send({ body: b, messageGroupId: 'G' });
    const batch = await q.receive(ten);
    expect(batch.map((m) => m.body)).toEqual(['1', '2', '3']);
    await q.delete([batch[0].receiptHandle]);
    expect(await q.receive(ten)).toEqual([]);
    await clock.advance(10_000);
    const again = await q.receive(ten);
    expect(again.map((m) => [m.body, m.attributes.ApproximateReceiveCount])).toEqual([['2', '2'], ['3', '2']]);
  });

  it('deduplicates within five minutes and numbers messages with increasing sequence numbers', async () => {
    const q = make().create('d.fifo', { FifoQueue: 'true' });
    const first = await q.send({ body: 'x', messageGroupId: 'g', messageDeduplicationId: 'd1' });
    const dup = await q.send({ body: 'y', messageGroupId: 'g', messageDeduplicationId: 'd1' });
    expect(dup.messageId).toBe(first.messageId);
    expect(dup.sequenceNumber).toBe(first.sequenceNumber);
    expect(q.counts().visible).toBe(1);
    await clock.advance(5 * 60_000);
    const later = await q.send({ body: 'x', messageGroupId: 'g', messageDeduplicationId: 'd1' });
    expect(later.messageId).not.toBe(first.messageId);
    expect(first.sequenceNumber).toMatch(/^\d{20,}$/);
    expect(BigInt(later.sequenceNumber!) > BigInt(first.sequenceNumber!)).toBe(true);
    expect(sqsError(() => q.sendNow({ body: 'z', messageGroupId: 'g' })).message)
      .toBe('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
    expect(sqsError(() => q.sendNow({ body: 'z', messageDeduplicationId: 'x' })).message).toBe('The request must contain the parameter MessageGroupId.');
  });

  it('deduplicates by content (SHA-256 of the body) when ContentBasedDeduplication is on', async () => {
    const q = make().create('c.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    const a = await q.send({ body: 'same', messageGroupId: 'g1' });
    const b = await q.send({ body: 'same', messageGroupId: 'g2' });
    expect(b.messageId).toBe(a.messageId);
    const [m] = await q.receive(one);
    expect(m.attributes.MessageDeduplicationId).toBe('0967115f2813a3541eaef77de9d9d5773f1c0c04314b0bbfe4ff3b3b1c55b5d5');
  });
});

describe('long polling', () => {
  it('returns as soon as a message is sent or a FIFO group unlocks, and early on abort', async () => {
    const q = make().create('lp');
    const waiting = q.receive({ maxMessages: 10, waitTimeSeconds: 20 });
    setImmediate(() => void q.send({ body: 'wake' }));
    expect((await waiting).map((m) => m.body)).toEqual(['wake']);
    const fifo = make().create('lp.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    await fifo.send({ body: '1', messageGroupId: 'g' });
    await fifo.send({ body: '2', messageGroupId: 'g' });
    const [head] = await fifo.receive({ maxMessages: 1, waitTimeSeconds: 0 });
    const blocked = fifo.receive({ maxMessages: 10, waitTimeSeconds: 20 });
    setImmediate(() => void fifo.delete([head.receiptHandle]));
    expect((await blocked).map((m) => m.body)).toEqual(['2']);
    const ac = new AbortController();
    const aborted = q.receive({ maxMessages: 10, waitTimeSeconds: 20, signal: ac.signal });
    setImmediate(() => ac.abort());
    expect(await aborted).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('answers empty once its wait is over, and with a message whose visibility timeout ran out meanwhile', async () => {
    const q = make().create('lp-timed', { VisibilityTimeout: '30' });
    let empty: unknown;
    void q.receive({ maxMessages: 10, waitTimeSeconds: 20 }).then((got) => (empty = got));
    await clock.advance(19_999);
    expect(empty).toBeUndefined();
    await clock.advance(2);
    expect(empty).toEqual([]);
    await q.send({ body: 'again' });
    expect(await q.receive(one)).toHaveLength(1);
    let again: { body: string }[] | undefined;
    void q.receive({ maxMessages: 10, waitTimeSeconds: 20 }).then((got) => (again = got));
    await clock.advance(15_000);
    expect(again).toBeUndefined();
    await q.send({ body: 'delayed', delaySeconds: 3 });
    await clock.advance(3_001);
    expect(again?.map((m) => m.body)).toEqual(['delayed']);
    let redelivered: { body: string }[] | undefined;
    void q.receive({ maxMessages: 10, waitTimeSeconds: 20 }).then((got) => (redelivered = got));
    await clock.advance(11_998);
    expect(redelivered).toBeUndefined();
    await clock.advance(2);
    expect(redelivered?.map((m) => m.body)).toEqual(['again']);
    expect(clock.pending).toBe(0);
  });
});

describe('journal', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('brings back queues and undeleted messages; in-flight ones are visible again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqs-journal-'));
    dirs.push(dir);
    const a = make(dir);
    const dlq = a.create('dlq.fifo', { FifoQueue: 'true' });
    const q = a.create('p.fifo', { FifoQueue: 'true', VisibilityTimeout: '600', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 }) });
    for (const b of ['1', '2', '3']) await q.send({ body: b, messageGroupId: 'g', messageDeduplicationId: b, messageAttributes: { bin: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2]) } } });
    const [m1] = await q.receive(one);
    await q.delete([m1.receiptHandle]);
    const [m2] = await q.receive(one);
    a.close();
    appendFileSync(join(dir, 'sqs', 'journal.jsonl'), '{"op":"send","q":"p.fi');

    const b = make(dir);
    const q2 = b.byName('p.fifo')!;
    expect(q2.attributes.VisibilityTimeout).toBe('600');
    expect(q2.counts()).toEqual({ visible: 2, inFlight: 0, delayed: 0 });
    await q2.delete([m2.receiptHandle]);
    const got = await q2.receive(ten);
    expect(got.map((m) => [m.body, m.attributes.ApproximateReceiveCount])).toEqual([['2', '2'], ['3', '1']]);
    expect(got[0].messageAttributes.bin.BinaryValue).toEqual(Buffer.from([0, 1, 2]));
    const dup = await q2.send({ body: 'again', messageGroupId: 'g', messageDeduplicationId: '1' });
    expect(dup.messageId).toBe(m1.messageId);
    b.close();
    const c = make(dir);
    expect(c.byName('p.fifo')!.counts().visible).toBe(2);
    expect(c.byName('dlq.fifo')).toBeDefined();
    c.close();
  });

  it('keeps a message attribute named like an internal field (receipt) across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqs-journal-'));
    dirs.push(dir);
    const a = make(dir);
    const sent = await a.create('named').send({ body: 'x', messageAttributes: { receipt: { DataType: 'String', StringValue: 'r-1' } } });
    a.close();
    const b = make(dir);
    const [got] = await b.byName('named')!.receive(one);
    expect(got.messageAttributes.receipt).toEqual({ DataType: 'String', StringValue: 'r-1' });
    expect(got.md5OfMessageAttributes).toBe(sent.md5OfMessageAttributes);
    b.close();
  });

  it('is used by one emulator at a time; a lock left by a dead process is taken over', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqs-journal-'));
    dirs.push(dir);
    const a = make(dir);
    expect(() => make(dir)).toThrow(`it is in use by another emulator (PID ${process.pid})`);
    a.close();
    make(dir).close();
    writeFileSync(join(dir, 'sqs', 'lock'), '4194305');
    const b = make(dir);
    b.create('after-takeover');
    b.close();
    const c = make(dir);
    expect(c.byName('after-takeover')).toBeDefined();
    c.close();
  });

  it('rewrites itself while running once it has grown, keeping the state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqs-journal-'));
    dirs.push(dir);
    const a = new EmbeddedQueues({ region: 'us-east-1', accountId: '000000000000', clock, dataDir: dir, compactAfterBytes: 20_000 });
    const q = a.create('churn');
    for (let i = 0; i < 300; i++) {
      await q.send({ body: `m${i}` });
      const [m] = await q.receive(one);
      if (i % 100 !== 0) await q.delete([m.receiptHandle]);
    }
    expect(statSync(join(dir, 'sqs', 'journal.jsonl')).size).toBeLessThan(30_000);
    a.close();
    const b = make(dir);
    expect((await b.byName('churn')!.receive(ten)).map((m) => m.body)).toEqual(['m0', 'm100', 'm200']);
    b.close();
  });
});
