// SNS deliveries without HTTP: the envelopes in AWS's field order (standard, FIFO, Lambda event),
// attribute encodings, the delivery policy for AWS-managed endpoints, client- vs server-side
// failures, the subscription's dead-letter queue, FIFO order while a delivery is retried. Time is a
// ManualClock: retries wait on it, not on the wall clock.
import { beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError, failureKind, MANAGED_RETRIES, managedRetryDelay } from '../../services/sns/delivery-policy.ts';
import { Deliveries } from '../../services/sns/sns-delivery.ts';
import { type EnvelopeTarget, lambdaEvent, notificationEnvelope, sqsAttributes } from '../../services/sns/sns-envelope.ts';
import type { SnsMessage } from '../../services/sns/sns-message.ts';
import type { Subscription } from '../../services/sns/sns-topics.ts';
import type { Queue, QueueDirectory, SendInput } from '../../services/sqs/queue.ts';
import { SqsError } from '../../services/sqs/sqs-error.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

const TOPIC = 'arn:aws:sns:us-east-1:000000000000:orders';
const message = (extra: Partial<SnsMessage> = {}): SnsMessage => ({
  messageId: '11111111-1111-1111-1111-111111111111', topicArn: TOPIC, message: 'hello', timestamp: Date.UTC(2026, 0, 15, 10, 30, 45, 123),
  attributes: { kind: { DataType: 'String', StringValue: 'order' }, blob: { DataType: 'Binary', BinaryValue: Buffer.from([2, 3, 4]) } }, ...extra,
});
const target = (extra: Partial<EnvelopeTarget> = {}): EnvelopeTarget => ({
  subscriptionArn: `${TOPIC}:sub-1`, protocol: 'sqs', fifo: false, signatureVersion: '1', endpoint: 'http://127.0.0.1:3001', region: 'us-east-1', ...extra,
});

describe('envelopes', () => {
  it('the SQS envelope of a standard topic: AWS\'s field order, signature fields, Binary in base64', () => {
    const env = JSON.parse(notificationEnvelope(message({ subject: 'Hi' }), target()));
    expect(Object.keys(env)).toEqual(['Type', 'MessageId', 'TopicArn', 'Subject', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL', 'UnsubscribeURL', 'MessageAttributes']);
    expect(env).toMatchObject({
      Type: 'Notification', Message: 'hello', Timestamp: '2026-01-15T10:30:45.123Z', SignatureVersion: '1',
      UnsubscribeURL: `http://127.0.0.1:3001/?Action=Unsubscribe&SubscriptionArn=${TOPIC}:sub-1`,
      MessageAttributes: { kind: { Type: 'String', Value: 'order' }, blob: { Type: 'Binary', Value: 'AgME' } },
    });
    expect(Buffer.from(env.Signature, 'base64')).toHaveLength(256);
    expect(env.SigningCertURL).toMatch(/^https:\/\/sns\.us-east-1\.amazonaws\.com\/SimpleNotificationService-[0-9a-f]{32}\.pem$/);
    expect(JSON.parse(notificationEnvelope(message({ attributes: {} }), target({ signatureVersion: '2' })))).not.toHaveProperty('MessageAttributes');
  });

  it('a FIFO topic\'s envelope: SequenceNumber after MessageId, no signature', () => {
    const env = JSON.parse(notificationEnvelope(message({ sequenceNumber: '10000000000000000001', subject: 'S', attributes: {} }), target({ fifo: true })));
    expect(Object.keys(env)).toEqual(['Type', 'MessageId', 'SequenceNumber', 'TopicArn', 'Subject', 'Message', 'Timestamp', 'UnsubscribeURL']);
  });

  it('the Lambda event: Records[].Sns, Subject null when absent, SigningCertUrl/UnsubscribeUrl', () => {
    const event = lambdaEvent(message(), target({ protocol: 'lambda', signatureVersion: '2' })) as any;
    expect(Object.keys(event.Records[0])).toEqual(['EventSource', 'EventVersion', 'EventSubscriptionArn', 'Sns']);
    expect(event.Records[0]).toMatchObject({ EventSource: 'aws:sns', EventVersion: '1.0', EventSubscriptionArn: `${TOPIC}:sub-1` });
    const sns = event.Records[0].Sns;
    expect(Object.keys(sns)).toEqual(['Type', 'MessageId', 'TopicArn', 'Subject', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertUrl', 'UnsubscribeUrl', 'MessageAttributes']);
    expect(sns).toMatchObject({ Subject: null, SignatureVersion: '1', MessageAttributes: { blob: { Type: 'Binary', Value: 'AgME' } } });
    expect((lambdaEvent(message({ attributes: {} }), target()) as any).Records[0].Sns.MessageAttributes).toEqual({});
  });

  it('raw delivery carries the attributes as SQS message attributes', () => {
    expect(sqsAttributes(message().attributes)).toEqual({
      kind: { DataType: 'String', StringValue: 'order' }, blob: { DataType: 'Binary', BinaryValue: Buffer.from([2, 3, 4]) },
    });
  });
});

describe('the delivery policy of AWS-managed endpoints', () => {
  const cases: Array<[number, number | undefined]> = [
    [0, undefined], [1, 0], [3, 0], [4, 1], [5, 1], [6, 1], [10, 20 ** (4 / 9)], [15, 20], [16, 20], [MANAGED_RETRIES, 20], [MANAGED_RETRIES + 1, undefined],
  ];
  it.each(cases)('retry %i waits %s s', (retry, seconds) => {
    const d = managedRetryDelay(retry);
    if (seconds === undefined) expect(d).toBeUndefined();
    else expect(d).toBeCloseTo(seconds, 9);
  });
  it('100,015 retries in all', () => expect(MANAGED_RETRIES).toBe(100_015));

  const kinds: Array<[string, unknown, 'client' | 'server']> = [
    ['SQS refuses the message', new SqsError('InvalidParameterValueException', 'x'), 'client'],
    ['the queue does not exist', new SqsError('QueueDoesNotExist', 'x'), 'client'],
    ['Lambda: no such function', Object.assign(new Error('x'), { statusCode: 404 }), 'client'],
    ['Lambda throttles', Object.assign(new Error('x'), { statusCode: 429 }), 'server'],
    ['an SDK 503', Object.assign(new Error('x'), { $metadata: { httpStatusCode: 503 } }), 'server'],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'server'],
    ['said so', new DeliveryError('client', 'too large'), 'client'],
  ];
  it.each(kinds)('%s → %s', (_, err, kind) => expect(failureKind(err)).toBe(kind));
});

/** A queue whose sends fail as told (then succeed), recording what it got. */
class ScriptedQueue implements Queue {
  readonly arn: string;
  readonly name: string;
  readonly fifo: boolean;
  readonly sent: SendInput[] = [];
  failures: unknown[] = [];

  constructor(name: string) {
    this.name = name;
    this.fifo = name.endsWith('.fifo');
    this.arn = `arn:aws:sqs:us-east-1:000000000000:${name}`;
  }

  async visibilityTimeoutSeconds(): Promise<number> {
    return 30;
  }

  async send(input: SendInput) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push(input);
    return { messageId: `m${this.sent.length}`, md5OfMessageBody: '' };
  }

  async receive() {
    return [];
  }

  async delete() {}
  async changeVisibility() {}
}

describe('deliveries', () => {
  let clock: ManualClock;
  let queues: Map<string, ScriptedQueue>;
  let logged: string[];
  let deliveries: Deliveries;
  let functions: Set<string>;
  const directory: QueueDirectory = { byArn: (arn) => queues.get(arn.split(':')[5]) };
  const sub = (protocol: string, endpoint: string, attributes: Record<string, string> = {}): Subscription => ({
    arn: `${TOPIC}:sub-1`, topicArn: TOPIC, protocol, endpoint, attributes: { RawMessageDelivery: 'false', ...attributes }, confirmed: true,
  });
  const redrive = { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:dlq' }) };

  beforeEach(() => {
    clock = new ManualClock();
    queues = new Map(['q', 'dlq', 'q.fifo'].map((n) => [n, new ScriptedQueue(n)]));
    logged = [];
    functions = new Set(['arn:aws:lambda:us-east-1:000000000000:function:f']);
    deliveries = new Deliveries({
      clock, timeScale: 1, log: { warn: (_, m) => void logged.push(m), error: (_, m) => void logged.push(m) },
      ports: {
        queues: directory,
        invokeAsync: (arn) => {
          if (!functions.has(arn)) throw Object.assign(new Error(`Function not found: ${arn}`), { statusCode: 404 });
        },
      },
    });
  });

  it('retries a server-side failure on the policy\'s schedule, then delivers', async () => {
    const q = queues.get('q')!;
    q.failures = Array.from({ length: 4 }, () => Object.assign(new Error('ECONNRESET'), { code: 'ECONNRESET' }));
    deliveries.deliver(sub('sqs', q.arn), message(), target());
    await clock.advance(999);
    expect(q.sent).toHaveLength(0);
    await clock.advance(1);
    await deliveries.idle();
    expect(q.sent).toHaveLength(1);
    expect(queues.get('dlq')!.sent).toHaveLength(0);
  });

  it('a client-side failure goes to the dead-letter queue at once, as the envelope', async () => {
    deliveries.deliver(sub('sqs', 'arn:aws:sqs:us-east-1:000000000000:deleted', redrive), message(), target());
    await deliveries.idle();
    const [dead] = queues.get('dlq')!.sent;
    expect(JSON.parse(dead.body)).toMatchObject({ Type: 'Notification', Message: 'hello', TopicArn: TOPIC });
    expect(dead.messageAttributes).toBeUndefined();
  });

  it('a raw subscription dead-letters the raw message with its attributes', async () => {
    queues.get('q')!.failures = [new SqsError('InvalidParameterValueException', 'refused')];
    deliveries.deliver(sub('sqs', queues.get('q')!.arn, { ...redrive, RawMessageDelivery: 'true' }), message(), target());
    await deliveries.idle();
    const [dead] = queues.get('dlq')!.sent;
    expect(dead.body).toBe('hello');
    expect(dead.messageAttributes).toEqual(sqsAttributes(message().attributes));
  });

  it('a function that does not exist: the envelope to the subscription\'s dead-letter queue', async () => {
    deliveries.deliver(sub('lambda', 'arn:aws:lambda:us-east-1:000000000000:function:gone', redrive), message(), target({ protocol: 'lambda' }));
    await deliveries.idle();
    const body = JSON.parse(queues.get('dlq')!.sent[0].body);
    expect(Object.keys(body)).toEqual(['Type', 'MessageId', 'TopicArn', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL', 'UnsubscribeURL', 'MessageAttributes']);
  });

  it('without a RedrivePolicy the message is dropped, and said so', async () => {
    deliveries.deliver(sub('lambda', 'arn:aws:lambda:us-east-1:000000000000:function:gone'), message(), target({ protocol: 'lambda' }));
    await deliveries.idle();
    expect(logged).toEqual(['SNS delivery failed; the message is dropped (the subscription has no RedrivePolicy)']);
  });

  it('FIFO: a later message of the group waits for the one being retried', async () => {
    const q = queues.get('q.fifo')!;
    q.failures = Array.from({ length: 5 }, () => new Error('ECONNRESET'));
    const fifo = target({ fifo: true });
    deliveries.deliver(sub('sqs', q.arn), message({ message: 'first', groupId: 'g', dedupId: 'd1' }), fifo);
    deliveries.deliver(sub('sqs', q.arn), message({ message: 'second', groupId: 'g', dedupId: 'd2' }), fifo);
    await clock.advance(1999);
    expect(q.sent).toHaveLength(0);
    await clock.advance(1);
    await deliveries.idle();
    expect(q.sent.map((s) => [JSON.parse(s.body).Message, s.messageGroupId, s.messageDeduplicationId])).toEqual([['first', 'g', 'd1'], ['second', 'g', 'd2']]);
  });

  it('close drops the deliveries waiting for a retry', async () => {
    queues.get('q')!.failures = Array.from({ length: 10 }, () => new Error('ECONNRESET'));
    deliveries.deliver(sub('sqs', queues.get('q')!.arn, redrive), message(), target());
    await clock.advance(0);
    expect(clock.pending).toBe(1);
    deliveries.close();
    expect(clock.pending).toBe(0);
    expect(logged).toEqual(['emulator stopping: SNS deliveries waiting for a retry dropped']);
    expect(queues.get('dlq')!.sent).toHaveLength(0);
  });
});
