// What a subscription receives, in AWS's shapes and field order: the JSON notification envelope (SQS,
// and a subscription's dead-letter queue), the raw message with its attributes as SQS message attributes
// (RawMessageDelivery), and the Lambda event (`Records[].Sns`, Subject null when absent). FIFO topics'
// envelopes carry a SequenceNumber and no signature. The signature is of AWS's form (base64 of 256
// bytes, over the canonical string) but there is no certificate to verify it with.
import { createHash } from 'node:crypto';
import type { MessageAttributeValue } from '../sqs/queue.ts';
import { bodyFor, type SnsAttribute, type SnsMessage } from './sns-message.ts';

/** What a delivery needs to know about its subscription. */
export interface EnvelopeTarget {
  subscriptionArn: string;
  protocol: string;
  fifo: boolean;
  /** The topic's SignatureVersion attribute (`1` SHA1, `2` SHA256). */
  signatureVersion: string;
  /** Where UnsubscribeURL points (the emulator once it listens, else SNS's regional endpoint). */
  endpoint: string;
  region: string;
}

/** `{Type, Value}` per attribute, Binary values in base64 (the envelope's and the Lambda event's form). */
export function envelopeAttributes(attrs: Record<string, SnsAttribute>): Record<string, { Type: string; Value: string }> {
  const out: Record<string, { Type: string; Value: string }> = {};
  for (const [name, a] of Object.entries(attrs)) {
    out[name] = { Type: a.DataType, Value: a.BinaryValue !== undefined ? a.BinaryValue.toString('base64') : a.StringValue ?? '' };
  }
  return out;
}

/** The attributes of a raw delivery, as SQS message attributes (same types and values). */
export function sqsAttributes(attrs: Record<string, SnsAttribute>): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, a] of Object.entries(attrs)) {
    out[name] = a.BinaryValue !== undefined ? { DataType: a.DataType, BinaryValue: a.BinaryValue } : { DataType: a.DataType, StringValue: a.StringValue };
  }
  return out;
}

const unsubscribeUrl = (t: EnvelopeTarget): string => `${t.endpoint}/?Action=Unsubscribe&SubscriptionArn=${t.subscriptionArn}`;
const certUrl = (t: EnvelopeTarget): string =>
  `https://sns.${t.region}.amazonaws.com/SimpleNotificationService-${createHash('md5').update(t.region).digest('hex')}.pem`;

/** A signature of AWS's form over the canonical string SNS signs (Message, MessageId, Subject, Timestamp, TopicArn, Type). */
function signature(fields: Record<string, unknown>, version: string): string {
  const canonical = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
    .filter((k) => fields[k] !== undefined && fields[k] !== null).map((k) => `${k}\n${String(fields[k])}\n`).join('');
  const blocks: Buffer[] = [];
  for (let i = 0, n = 0; n < 256; i++, n += blocks[blocks.length - 1].length) blocks.push(createHash(version === '2' ? 'sha256' : 'sha1').update(`${i}\n${canonical}`, 'utf8').digest());
  return Buffer.concat(blocks).subarray(0, 256).toString('base64');
}

/** The notification JSON an SQS subscription (without raw delivery) and a dead-letter queue receive. */
export function notificationEnvelope(m: SnsMessage, t: EnvelopeTarget): string {
  const out: Record<string, unknown> = { Type: 'Notification', MessageId: m.messageId };
  if (t.fifo) out.SequenceNumber = m.sequenceNumber;
  out.TopicArn = m.topicArn;
  if (m.subject !== undefined) out.Subject = m.subject;
  out.Message = bodyFor(m, t.protocol);
  out.Timestamp = new Date(m.timestamp).toISOString();
  if (!t.fifo) {
    out.SignatureVersion = t.signatureVersion;
    out.Signature = signature(out, t.signatureVersion);
    out.SigningCertURL = certUrl(t);
  }
  out.UnsubscribeURL = unsubscribeUrl(t);
  if (Object.keys(m.attributes).length > 0) out.MessageAttributes = envelopeAttributes(m.attributes);
  return JSON.stringify(out);
}

/** The event a Lambda subscription's function is invoked with (asynchronously). */
export function lambdaEvent(m: SnsMessage, t: EnvelopeTarget): Record<string, unknown> {
  const sns: Record<string, unknown> = {
    Type: 'Notification',
    MessageId: m.messageId,
    TopicArn: m.topicArn,
    Subject: m.subject ?? null,
    Message: bodyFor(m, 'lambda'),
    Timestamp: new Date(m.timestamp).toISOString(),
  };
  // AWS writes SignatureVersion 1 in Lambda events whatever the topic's version.
  Object.assign(sns, { SignatureVersion: '1', Signature: signature(sns, '1'), SigningCertUrl: certUrl(t), UnsubscribeUrl: unsubscribeUrl(t) });
  sns.MessageAttributes = envelopeAttributes(m.attributes);
  return { Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', EventSubscriptionArn: t.subscriptionArn, Sns: sns }] };
}
