// The durable execution API on the main port, with AWS's paths (2025-12-01): the label values
// (execution ARNs, callback ids) arrive percent-encoded in one path segment and are decoded here by
// the router. Bodies arrive as bytes (http-app.ts) and are parsed per operation.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidRequestContentException } from '../errors.ts';
import { jsonBody } from '../http/function-input.ts';
import type { Registry } from '../registry/registry.ts';
import type { DurableApi } from './durable-api.ts';
import { checkListQuery } from './durable-input.ts';
import type { ErrorObject } from './wire.ts';

type Q = Record<string, string | string[] | undefined>;

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v.at(-1) : v);
const many = (v: string | string[] | undefined): string[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

/** An ErrorObject body (StopDurableExecution, SendDurableExecutionCallbackFailure): keep the model's members only. */
function errorBody(raw: unknown): ErrorObject | undefined {
  if (!Buffer.isBuffer(raw) || raw.length === 0) return undefined;
  const b = jsonBody(raw);
  const out: ErrorObject = {};
  for (const key of ['ErrorMessage', 'ErrorType', 'ErrorData'] as const) {
    if (b[key] === undefined) continue;
    if (typeof b[key] !== 'string') throw new InvalidRequestContentException(`${key} must be a string`);
    out[key] = b[key];
  }
  if (b.StackTrace !== undefined) {
    if (!Array.isArray(b.StackTrace) || !b.StackTrace.every((s) => typeof s === 'string')) throw new InvalidRequestContentException('StackTrace must be a list of strings');
    out.StackTrace = b.StackTrace;
  }
  return out;
}

/**
 * The routes are wildcards, split here on the raw path: execution ARNs and callback ids are longer than
 * the router's limit for one parameter, and arrive percent-encoded (`:` and `/` included) in one segment.
 */
export function registerDurableRoutes(app: FastifyInstance, api: DurableApi, registry: Registry): void {
  app.route({
    method: ['GET', 'POST'],
    url: '/2025-12-01/durable-executions/*',
    handler: async (r: FastifyRequest<{ Querystring: Q }>, reply) => {
      const [arn, op] = segments(r.raw.url, '/2025-12-01/durable-executions/');
      const q = r.query;
      const route = `${r.method} ${op ?? ''}`;
      if (arn === undefined) return reply.callNotFound();
      switch (route) {
        case 'POST checkpoint': return api.checkpoint(arn, jsonBody(r.body));
        case 'GET state': return api.state(arn, { CheckpointToken: one(q.CheckpointToken), Marker: one(q.Marker), MaxItems: one(q.MaxItems) });
        case 'GET ': return api.get(arn, one(q.IncludeExecutionData) !== 'false');
        case 'GET history': return api.history(arn, {
          IncludeExecutionData: one(q.IncludeExecutionData), MaxItems: one(q.MaxItems), Marker: one(q.Marker), ReverseOrder: one(q.ReverseOrder),
        });
        case 'POST stop': return api.stop(arn, errorBody(r.body));
        default: return reply.callNotFound();
      }
    },
  });

  app.post('/2025-12-01/durable-execution-callbacks/*', async (r, reply) => {
    const [id, op] = segments(r.raw.url, '/2025-12-01/durable-execution-callbacks/');
    if (id === undefined) return reply.callNotFound();
    if (op === 'succeed') return api.callbackSuccess(id, Buffer.isBuffer(r.body) ? r.body : Buffer.alloc(0));
    if (op === 'fail') return api.callbackFailure(id, errorBody(r.body) ?? {});
    if (op === 'heartbeat') return api.callbackHeartbeat(id);
    return reply.callNotFound();
  });

  app.get('/2025-12-01/functions/:FunctionName/durable-executions', async (r: FastifyRequest<{ Params: { FunctionName: string }; Querystring: Q }>) => {
    const q = r.query;
    const query = {
      Qualifier: one(q.Qualifier), DurableExecutionName: one(q.DurableExecutionName), Statuses: many(q.Statuses),
      StartedAfter: one(q.StartedAfter), StartedBefore: one(q.StartedBefore), ReverseOrder: one(q.ReverseOrder), Marker: one(q.Marker), MaxItems: one(q.MaxItems),
    };
    // The framework's checks first, then the function (the model's NamespacedFunctionName).
    checkListQuery(query);
    const entry = registry.function(r.params.FunctionName, 'lambda:ListDurableExecutionsByFunction', 'namespaced');
    return api.list(entry.latest.fv.arn, query);
  });
}

/** The decoded label and the operation segment after `prefix` (`[arn, 'checkpoint']`, `[arn, undefined]` for a bare GET). */
function segments(url: string | undefined, prefix: string): [string | undefined, string | undefined] {
  const path = (url ?? '').split('?')[0].slice(prefix.length);
  const parts = path.split('/');
  if (parts.length > 2 || parts[0] === '') return [undefined, undefined];
  try {
    return [decodeURIComponent(parts[0]), parts[1]];
  } catch {
    return [undefined, undefined];
  }
}
