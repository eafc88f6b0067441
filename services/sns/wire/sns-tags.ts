// Tags of topics (TagResource, UntagResource, ListTagsForResource): 50 per topic, keys 1–128 and
// values up to 256 characters, no key twice in one request.
import { checkArn, invalidParameter, SnsError } from '../sns-error.ts';
import type { SnsTopics, Topic } from '../sns-topics.ts';

const MAX_TAGS = 50;

function resource(topics: SnsTopics, arn: string | undefined): Topic {
  const t = topics.byArn(checkArn(arn, 'ResourceArn'));
  if (!t) throw new SnsError('ResourceNotFound', 'Resource does not exist');
  return t;
}

export function tagResource(topics: SnsTopics, arn: string | undefined, tags: Record<string, unknown>[]): void {
  const t = resource(topics, arn);
  const given: Record<string, string> = {};
  for (const tag of tags) {
    const key = String(tag.Key ?? '');
    const value = String(tag.Value ?? '');
    if (Object.hasOwn(given, key)) throw invalidParameter('Invalid parameter: Duplicated keys are not allowed.');
    if (key.length < 1 || key.length > 128) throw invalidParameter('Invalid parameter: Tags Reason: a tag key is 1 to 128 characters long');
    if (value.length > 256) throw invalidParameter('Invalid parameter: Tags Reason: a tag value is at most 256 characters long');
    given[key] = value;
  }
  const next = { ...t.tags, ...given };
  if (Object.keys(next).length > MAX_TAGS) throw new SnsError('TagLimitExceeded', 'Could not complete request: tag quota of per resource exceeded');
  topics.setTags(t, next);
}

export function untagResource(topics: SnsTopics, arn: string | undefined, keys: string[]): void {
  const t = resource(topics, arn);
  const next = { ...t.tags };
  for (const k of keys) delete next[k];
  topics.setTags(t, next);
}

export function listTags(topics: SnsTopics, arn: string | undefined): { Key: string; Value: string }[] {
  return Object.entries(resource(topics, arn).tags).map(([Key, Value]) => ({ Key, Value }));
}
