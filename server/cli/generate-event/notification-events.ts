// Sample SNS and S3 notification events, in the shapes Lambda receives them: the SNS record of AWS's
// "with-sns" example (Subject null when there is none, signing and unsubscribe URLs of the topic's
// region) and S3's event message structure 2.1 (object keys URL-encoded with `+` for spaces).
import { ACCOUNT_ID, PARTITION, REGION, type SampleContext, type SampleEvent, awsDomain, hex } from './sample-event.ts';

const notification: SampleEvent = {
  help: 'an SNS event (one notification from a topic the function subscribes to)',
  flags: {
    'account-id': ACCOUNT_ID, partition: PARTITION, region: REGION,
    topic: { default: 'ExampleTopic', help: 'the topic\'s name' },
    subject: { default: 'example subject', help: 'the subject (empty: none, Subject is null)' },
    message: { default: 'example message', help: 'the message' },
  },
  build(v, ctx) {
    const topicArn = `arn:${v.partition}:sns:${v.region}:${v['account-id']}:${v.topic}`;
    const subscriptionArn = `${topicArn}:${ctx.uuid()}`;
    const endpoint = `https://sns.${v.region}.${awsDomain(v.partition)}`;
    return {
      Records: [{
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: 'Notification',
          MessageId: ctx.uuid(),
          TopicArn: topicArn,
          Subject: v.subject === '' ? null : v.subject,
          Message: v.message,
          Timestamp: new Date(ctx.now).toISOString(),
          SignatureVersion: '1',
          Signature: ctx.random(256).toString('base64'),
          SigningCertUrl: `${endpoint}/SimpleNotificationService-${hex(ctx, 16)}.pem`,
          UnsubscribeUrl: `${endpoint}/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
          MessageAttributes: {},
        },
      }],
    };
  },
};

/** S3 writes keys in events URL-encoded, a space as `+`, slashes kept. */
export function s3EventKey(key: string): string {
  return encodeURIComponent(key).replaceAll('%2F', '/').replaceAll('%20', '+');
}

function s3Event(eventName: string, object: (ctx: SampleContext) => Record<string, unknown>): SampleEvent {
  return {
    help: `an S3 event (${eventName})`,
    flags: {
      region: REGION, partition: PARTITION,
      bucket: { default: 'example-bucket', help: 'the bucket\'s name' },
      key: { default: 'test/key', help: 'the object\'s key (the event carries it URL-encoded)' },
    },
    build(v, ctx) {
      const principal = `AWS:AIDA${hex(ctx, 8).toUpperCase().slice(0, 16)}`;
      return {
        Records: [{
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: v.region,
          eventTime: new Date(ctx.now).toISOString(),
          eventName,
          userIdentity: { principalId: principal },
          requestParameters: { sourceIPAddress: '198.51.100.10' },
          responseElements: { 'x-amz-request-id': hex(ctx, 8).toUpperCase(), 'x-amz-id-2': ctx.random(48).toString('base64') },
          s3: {
            s3SchemaVersion: '1.0',
            configurationId: 'ExampleNotification',
            bucket: { name: v.bucket, ownerIdentity: { principalId: hex(ctx, 7).toUpperCase() }, arn: `arn:${v.partition}:s3:::${v.bucket}` },
            object: { key: s3EventKey(v.key), ...object(ctx), sequencer: hex(ctx, 9).toUpperCase() },
          },
        }],
      };
    },
  };
}

export const SNS_EVENTS: Readonly<Record<string, SampleEvent>> = { notification };

export const S3_EVENTS: Readonly<Record<string, SampleEvent>> = {
  put: s3Event('ObjectCreated:Put', (ctx) => ({ size: 1024, eTag: hex(ctx, 16) })),
  delete: s3Event('ObjectRemoved:Delete', () => ({})),
};
