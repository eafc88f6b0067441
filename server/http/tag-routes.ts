// Function tags (2017-03-31): ListTags, TagResource and UntagResource on a function ARN, the tags
// GetFunction returns; versions and aliases cannot be tagged, as on AWS.
import type { FastifyInstance } from 'fastify';
import { InvalidParameterValueException, ValidationException } from '../errors.ts';
import type { FunctionEntry } from '../registry/function-entry.ts';
import type { Registry } from '../registry/registry.ts';
import { jsonBody } from './function-input.ts';

type TagRoute = { Params: { ARN: string }; Querystring: { tagKeys?: string | string[] } };

export function registerTagRoutes(app: FastifyInstance, registry: Registry): void {
  const entryOf = (raw: string): FunctionEntry => {
    const ref = registry.ref(raw, undefined);
    if (ref.qualifier !== undefined) {
      throw new InvalidParameterValueException('Tagging operations are permitted on Lambda functions only. Tags on aliases and versions are not supported. Please specify either a function name or a function ARN.');
    }
    return registry.function(raw);
  };
  const path = '/2017-03-31/tags/:ARN';

  app.get<TagRoute>(path, async (request) => ({ Tags: entryOf(request.params.ARN).tags }));

  app.post<TagRoute>(path, async (request, reply) => {
    const entry = entryOf(request.params.ARN);
    const tags = jsonBody(request.body).Tags;
    if (!tags || typeof tags !== 'object' || Array.isArray(tags) || Object.keys(tags).length === 0) {
      throw new InvalidParameterValueException('An error occurred and the request cannot be processed.');
    }
    const merged = { ...entry.tags, ...(tags as Record<string, string>) };
    if (Object.keys(merged).length > 50) throw new InvalidParameterValueException('Number of tags exceeds function tag limit.');
    entry.tags = merged;
    return reply.code(204).send();
  });

  app.delete<TagRoute>(path, async (request, reply) => {
    const entry = entryOf(request.params.ARN);
    const keys = request.query.tagKeys;
    if (keys === undefined) throw new ValidationException("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
    for (const key of Array.isArray(keys) ? keys : [keys]) delete entry.tags[key];
    return reply.code(204).send();
  });
}
