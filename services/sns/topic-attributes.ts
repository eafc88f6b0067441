// Topic attributes: the ones SNS returns for every topic (a default access policy and delivery policy,
// owner, counts), the ones CreateTopic and SetTopicAttributes take, and their checks. Topic names.
import { invalidParameter } from './sns-error.ts';

const NAME = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_NAME = /^[A-Za-z0-9_-]{1,251}\.fifo$/;

/** Throws "Invalid parameter: Topic Name" for a name SNS refuses for this kind of topic. */
export function checkTopicName(name: string, fifo: boolean): void {
  if (!(fifo ? FIFO_NAME : NAME).test(name)) throw invalidParameter('Invalid parameter: Topic Name');
}

const FEEDBACK = ['HTTP', 'Firehose', 'Lambda', 'SQS', 'Application'].flatMap((p) => [
  `${p}SuccessFeedbackRoleArn`, `${p}SuccessFeedbackSampleRate`, `${p}FailureFeedbackRoleArn`,
]);

/** Attributes SetTopicAttributes takes (FifoTopic only at creation). */
const SETTABLE = new Set([
  'DeliveryPolicy', 'DisplayName', 'Policy', 'SignatureVersion', 'TracingConfig', 'KmsMasterKeyId',
  'ContentBasedDeduplication', 'ArchivePolicy', 'FifoThroughputScope', 'DataProtectionPolicy', ...FEEDBACK,
]);
const FIFO_ONLY = new Set(['ContentBasedDeduplication', 'ArchivePolicy', 'FifoThroughputScope']);

const ENUMS: Readonly<Record<string, readonly string[]>> = {
  SignatureVersion: ['1', '2'],
  TracingConfig: ['PassThrough', 'Active'],
  ContentBasedDeduplication: ['true', 'false'],
  FifoThroughputScope: ['Topic', 'MessageGroup'],
};

/**
 * Checks one attribute for a topic; `creating` words the errors as CreateTopic does
 * ("Invalid parameter: Attributes Reason: ..."). Returns the value to store.
 */
export function checkTopicAttribute(name: string, value: string, fifo: boolean, creating: boolean): string {
  const reason = (text: string): never => {
    throw invalidParameter(creating ? `Invalid parameter: Attributes Reason: ${text}` : `Invalid parameter: ${text}`);
  };
  if (!SETTABLE.has(name)) {
    if (creating) reason(`Invalid attribute name: ${name}`);
    throw invalidParameter('Invalid parameter: AttributeName');
  }
  if (FIFO_ONLY.has(name) && !fifo) reason(`${name}: only FIFO topics have this attribute`);
  const allowed = ENUMS[name];
  if (allowed && !allowed.includes(value)) reason(`${name}: Invalid value [${value}]. Must be one of ${allowed.join(', ')}.`);
  if ((name === 'Policy' || name === 'DeliveryPolicy' || name === 'ArchivePolicy' || name === 'DataProtectionPolicy') && value !== '') {
    try {
      JSON.parse(value);
    } catch {
      reason(`${name}: failed to parse JSON.`);
    }
  }
  return value;
}

/** The delivery policy SNS reports for a topic with none set (AWS-recorded). */
export const EFFECTIVE_DELIVERY_POLICY = JSON.stringify({
  http: {
    defaultHealthyRetryPolicy: {
      minDelayTarget: 20, maxDelayTarget: 20, numRetries: 3, numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0, backoffFunction: 'linear',
    },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' },
  },
});

/** The access policy a new topic gets (AWS-recorded). */
export function defaultTopicPolicy(topicArn: string, accountId: string): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [{
      Sid: '__default_statement_ID',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: [
        'SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:AddPermission', 'SNS:RemovePermission',
        'SNS:DeleteTopic', 'SNS:Subscribe', 'SNS:ListSubscriptionsByTopic', 'SNS:Publish',
      ],
      Resource: topicArn,
      Condition: { StringEquals: { 'AWS:SourceOwner': accountId } },
    }],
  });
}

/** The stored attributes of a new topic, before the ones CreateTopic gives. */
export function defaultTopicAttributes(topicArn: string, accountId: string, fifo: boolean): Record<string, string> {
  const attrs: Record<string, string> = { DisplayName: '', Policy: defaultTopicPolicy(topicArn, accountId) };
  if (fifo) Object.assign(attrs, { FifoTopic: 'true', ContentBasedDeduplication: 'false' });
  return attrs;
}
