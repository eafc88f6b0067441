// Tags (2017-03-31): ListTags, TagResource and UntagResource on a function or an event source mapping
// ARN, checked against the model's resource pattern; versions and aliases cannot be tagged, as on AWS.
// The tags GetFunction returns are the function's.
import type { FastifyInstance } from 'fastify';
import { check, NOT_NULL, violation } from '../../lib/aws-validation.ts';
import { InvalidParameterValueException, invalidInput, ResourceNotFoundException } from '../errors.ts';
import { FUNCTION_LIMITS, RULES } from '../lambda-rules.ts';
import type { Registry } from '../registry/registry.ts';
import { jsonBody } from './function-input.ts';

type TagRoute = { Params: { ARN: string }; Querystring: { tagKeys?: string | string[] } };

/** The event source mappings' tags (the mapping manager keeps them). */
export interface MappingTags {
  /** The mapping's tags, or undefined when there is no such mapping. */
  tagsOf(uuid: string): Readonly<Record<string, string>> | undefined;
  setTags(uuid: string, tags: Record<string, string>): void;
}

/** A function or mapping holds at most 50 tags. */
export function checkTagCount(tags: Record<string, unknown>): void {
  if (Object.keys(tags).length > FUNCTION_LIMITS.tags) throw new InvalidParameterValueException('Number of tags exceeds resource tag limit.');
}

function decoded(raw: string): string {
  try {
    return raw.includes('%') ? decodeURIComponent(raw) : raw;
  } catch {
    return raw;
  }
}

interface Tagged {
  tags(): Readonly<Record<string, string>>;
  replace(tags: Record<string, string>): void;
}

export function registerTagRoutes(app: FastifyInstance, registry: Registry, mappings?: MappingTags): void {
  const resource = (raw: string): Tagged => {
    const arn = decoded(raw);
    const problems = check(arn, RULES.taggableResource, 'resource');
    if (problems.length > 0) throw invalidInput(problems);
    const esm = /:event-source-mapping:([0-9a-fA-F-]{36})$/.exec(arn);
    if (esm) {
      const uuid = esm[1];
      if (!mappings?.tagsOf(uuid)) throw new ResourceNotFoundException(`Event source mapping not found: ${arn}`);
      return { tags: () => mappings.tagsOf(uuid) ?? {}, replace: (tags) => mappings.setTags(uuid, tags) };
    }
    const fn = /:function:([a-zA-Z0-9-_]+)(:.+)?$/.exec(arn);
    if (!fn) throw new InvalidParameterValueException('Tagging operations are permitted on Lambda functions and event source mappings only.');
    if (fn[2] !== undefined) throw new InvalidParameterValueException('Tags on function aliases and versions are not supported. Please specify a function ARN.');
    const entry = registry.function(arn, 'lambda:ListTags');
    return { tags: () => entry.tags, replace: (tags) => registry.setTags(entry, tags) };
  };
  const path = '/2017-03-31/tags/:ARN';

  app.get<TagRoute>(path, async (request) => ({ Tags: resource(request.params.ARN).tags() }));

  app.post<TagRoute>(path, async (request, reply) => {
    const target = resource(request.params.ARN);
    const tags = jsonBody(request.body).Tags;
    if (!tags || typeof tags !== 'object' || Array.isArray(tags) || Object.keys(tags).length === 0) {
      throw new InvalidParameterValueException('An error occurred and the request cannot be processed.');
    }
    const merged = { ...target.tags(), ...(tags as Record<string, string>) };
    checkTagCount(merged);
    target.replace(merged);
    return reply.code(204).send();
  });

  app.delete<TagRoute>(path, async (request, reply) => {
    const target = resource(request.params.ARN);
    const keys = request.query.tagKeys;
    if (keys === undefined) throw invalidInput([violation(null, 'tagKeys', NOT_NULL)]);
    const remaining = { ...target.tags() };
    for (const key of Array.isArray(keys) ? keys : [keys]) delete remaining[key];
    target.replace(remaining);
    return reply.code(204).send();
  });
}
