// Subscription attributes Subscribe and SetSubscriptionAttributes take, checked with SNS's words:
// FilterPolicy (and its scope), RawMessageDelivery, RedrivePolicy (the subscription's dead-letter
// queue), DeliveryPolicy, SubscriptionRoleArn. Subscribe prefixes "Invalid parameter: Attributes
// Reason: ", SetSubscriptionAttributes "Invalid parameter: ".
import { FilterPolicyError, type FilterPolicyScope, validateFilterPolicy } from './filter-policy-validate.ts';
import { invalidParameter } from './sns-error.ts';

const NAMES = new Set(['DeliveryPolicy', 'FilterPolicy', 'FilterPolicyScope', 'RawMessageDelivery', 'RedrivePolicy', 'SubscriptionRoleArn', 'ReplayPolicy']);
/** Protocols whose subscriptions may take RawMessageDelivery. */
const RAW_PROTOCOLS = new Set(['sqs', 'http', 'https', 'firehose']);

export interface SubscriptionContext {
  protocol: string;
  endpoint: string;
  topicFifo: boolean;
  /** Subscribe (true) or SetSubscriptionAttributes (false): the error prefix differs. */
  subscribing: boolean;
}

export interface RedrivePolicy {
  deadLetterTargetArn: string;
}

const prefix = (ctx: SubscriptionContext): string => (ctx.subscribing ? 'Invalid parameter: Attributes Reason: ' : 'Invalid parameter: ');

/**
 * Checks a set of attributes given together (Subscribe's, or one SetSubscriptionAttributes) against the
 * subscription's current ones; returns the attributes to store (an empty value removes a policy).
 */
export function checkSubscriptionAttributes(given: Record<string, string>, current: Record<string, string>, ctx: SubscriptionContext): Record<string, string> {
  const fail = (text: string): never => {
    throw invalidParameter(`${prefix(ctx)}${text}`);
  };
  const next = { ...current };
  for (const [name, value] of Object.entries(given)) {
    if (!NAMES.has(name)) fail('AttributeName');
    switch (name) {
      case 'FilterPolicyScope':
        if (value !== 'MessageAttributes' && value !== 'MessageBody') fail(`FilterPolicyScope: Invalid value [${value}]. Please use either MessageBody or MessageAttributes`);
        break;
      case 'RawMessageDelivery': {
        const v = value.toLowerCase();
        if (v !== 'true' && v !== 'false') fail(`RawMessageDelivery: Invalid value [${value}]. Must be true or false.`);
        if (v === 'true' && !RAW_PROTOCOLS.has(ctx.protocol)) fail(`RawMessageDelivery: Invalid value [${value}]. Delivery protocol [${ctx.protocol}] does not support raw message delivery.`);
        next[name] = v;
        continue;
      }
      case 'RedrivePolicy':
        if (value !== '') checkRedrivePolicy(value, ctx, fail);
        break;
      case 'DeliveryPolicy':
        if (value !== '') parseJson(value, `${name}: failed to parse JSON.`, fail);
        break;
    }
    if (value === '' && name !== 'FilterPolicyScope') delete next[name];
    else next[name] = value;
  }
  // The policy is checked under the scope it will be evaluated in (a scope change re-checks it).
  if (next.FilterPolicy !== undefined && (given.FilterPolicy !== undefined || given.FilterPolicyScope !== undefined)) {
    try {
      validateFilterPolicy(next.FilterPolicy, (next.FilterPolicyScope ?? 'MessageAttributes') as FilterPolicyScope);
    } catch (err) {
      if (err instanceof FilterPolicyError) fail(err.message);
      throw err;
    }
    next.FilterPolicyScope ??= 'MessageAttributes';
  }
  return next;
}

function parseJson(text: string, message: string, fail: (text: string) => never): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    return fail(`${message} ${(err as Error).message}`);
  }
}

function checkRedrivePolicy(value: string, ctx: SubscriptionContext, fail: (text: string) => never): void {
  const policy = parseJson(value, 'RedrivePolicy: failed to parse JSON.', fail) as Partial<RedrivePolicy> | null;
  const target = typeof policy === 'object' && policy !== null ? policy.deadLetterTargetArn : undefined;
  const parts = typeof target === 'string' ? target.split(':') : [];
  if (parts.length < 6 || parts[0] !== 'arn') fail('RedrivePolicy: deadLetterTargetArn is an invalid arn');
  if (ctx.topicFifo && ctx.endpoint.endsWith('.fifo') && (parts[2] !== 'sqs' || !target!.endsWith('.fifo'))) {
    // AWS words this one without Subscribe's "Attributes Reason: " prefix.
    throw invalidParameter('Invalid parameter: RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.');
  }
}

/** The dead-letter queue ARN of a stored RedrivePolicy, if any. */
export function deadLetterTarget(attributes: Record<string, string>): string | undefined {
  if (!attributes.RedrivePolicy) return undefined;
  try {
    const p = JSON.parse(attributes.RedrivePolicy) as Partial<RedrivePolicy>;
    return typeof p.deadLetterTargetArn === 'string' ? p.deadLetterTargetArn : undefined;
  } catch {
    return undefined;
  }
}
