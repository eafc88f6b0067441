// SQS queue actions over the embedded queues, in the JSON protocol's shapes: CreateQueue, GetQueueUrl,
// ListQueues, DeleteQueue, Get/SetQueueAttributes, PurgeQueue, tags, ListDeadLetterSourceQueues.
import { SqsError, invalidValue, queueDoesNotExist } from '../sqs-error.ts';
import { type Input, type SqsContext, int, list, queueOf, required, str, stringMap } from './sqs-input.ts';
import { messageActions } from './sqs-message-actions.ts';

type Action = (ctx: SqsContext, input: Input) => Promise<Record<string, unknown>> | Record<string, unknown>;

/** A page of names after `NextToken` (base64 of the last name returned). */
function page(names: string[], input: Input): { names: string[]; next?: string } {
  const max = int(input, 'MaxResults', 1, 1000, 'MaxResults must be an integer between 1 and 1000.');
  const token = str(input, 'NextToken');
  let start = 0;
  if (token) {
    const after = Buffer.from(token, 'base64').toString('utf8');
    if (!token || Buffer.from(after, 'utf8').toString('base64') !== token) throw invalidValue('NextToken', token, 'Invalid NextToken value.');
    start = names.findIndex((n) => n > after);
    if (start < 0) start = names.length;
  }
  const slice = names.slice(start, start + (max ?? 1000));
  const more = max !== undefined && start + slice.length < names.length;
  return { names: slice, next: more ? Buffer.from(slice[slice.length - 1], 'utf8').toString('base64') : undefined };
}

function tagKeys(tags: Record<string, string>): Record<string, string> {
  for (const [k, v] of Object.entries(tags)) {
    if (typeof v !== 'string' || k.length === 0 || k.length > 128 || v.length > 256) {
      throw new SqsError('InvalidParameterValueException', `Tag ${k} is invalid.`);
    }
  }
  return tags;
}

export const queueActions: Record<string, Action> = {
  CreateQueue: (ctx, input) => {
    const name = required(input, 'QueueName');
    const q = ctx.queues.create(name, stringMap(input, 'Attributes'), tagKeys(stringMap(input, 'tags')));
    return { QueueUrl: ctx.queues.urlOf(q, ctx.host) };
  },

  GetQueueUrl: (ctx, input) => {
    const name = required(input, 'QueueName');
    const owner = str(input, 'QueueOwnerAWSAccountId');
    const q = ctx.queues.byName(name);
    if (!q || (owner !== undefined && owner !== ctx.queues.accountId)) throw queueDoesNotExist();
    return { QueueUrl: ctx.queues.urlOf(q, ctx.host) };
  },

  ListQueues: (ctx, input) => {
    const prefix = str(input, 'QueueNamePrefix') ?? '';
    const { names, next } = page(ctx.queues.list(prefix).map((q) => q.name), input);
    const out: Record<string, unknown> = {};
    if (names.length) out.QueueUrls = names.map((n) => ctx.queues.urlOf(ctx.queues.byName(n)!, ctx.host));
    if (next) out.NextToken = next;
    return out;
  },

  ListDeadLetterSourceQueues: (ctx, input) => {
    const dlq = queueOf(ctx, input);
    const sources = ctx.queues.list().filter((q) => q.attributes.RedrivePolicy && JSON.parse(q.attributes.RedrivePolicy).deadLetterTargetArn === dlq.arn);
    const { names, next } = page(sources.map((q) => q.name), input);
    const out: Record<string, unknown> = { queueUrls: names.map((n) => ctx.queues.urlOf(ctx.queues.byName(n)!, ctx.host)) };
    if (next) out.NextToken = next;
    return out;
  },

  DeleteQueue: (ctx, input) => {
    ctx.queues.delete(queueOf(ctx, input));
    return {};
  },

  GetQueueAttributes: (ctx, input) => {
    const q = queueOf(ctx, input);
    const names = list(input, 'AttributeNames').map(String);
    const attributes = names.length ? ctx.queues.getAttributes(q, names) : {};
    return Object.keys(attributes).length ? { Attributes: attributes } : {};
  },

  SetQueueAttributes: (ctx, input) => {
    const q = queueOf(ctx, input);
    ctx.queues.setAttributes(q, stringMap(input, 'Attributes'));
    return {};
  },

  PurgeQueue: (ctx, input) => {
    queueOf(ctx, input).purge();
    return {};
  },

  ListQueueTags: (ctx, input) => {
    const q = queueOf(ctx, input);
    return Object.keys(q.tags).length ? { Tags: { ...q.tags } } : {};
  },

  TagQueue: (ctx, input) => {
    const q = queueOf(ctx, input);
    ctx.queues.setTags(q, { ...q.tags, ...tagKeys(stringMap(input, 'Tags')) });
    return {};
  },

  UntagQueue: (ctx, input) => {
    const q = queueOf(ctx, input);
    const next = { ...q.tags };
    for (const k of list(input, 'TagKeys')) delete next[String(k)];
    ctx.queues.setTags(q, next);
    return {};
  },
};

/** Every action ephemera answers. */
export const SQS_ACTIONS: Record<string, Action> = { ...queueActions, ...messageActions };

/** Actions SQS has that ephemera does not: UnsupportedOperation (an unknown name is InvalidAction). */
export const UNSUPPORTED_ACTIONS = new Set([
  'AddPermission', 'RemovePermission', 'StartMessageMoveTask', 'CancelMessageMoveTask', 'ListMessageMoveTasks',
]);

export async function runAction(ctx: SqsContext, action: string, input: Input): Promise<Record<string, unknown>> {
  const fn = Object.hasOwn(SQS_ACTIONS, action) ? SQS_ACTIONS[action] : undefined;
  if (fn) return fn(ctx, input);
  if (UNSUPPORTED_ACTIONS.has(action)) throw new SqsError('UnsupportedOperation', `${action} is not supported by ephemera's embedded SQS.`);
  throw new SqsError('InvalidAction', `The action ${action} is not valid for this endpoint.`);
}
