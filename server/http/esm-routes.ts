// Event source mapping API (2015-03-31): Create/Get/List/Update/DeleteEventSourceMapping over the
// pollers' EsmManager, with AWS's status codes (202 for create, update and delete) and errors.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { valueAtLeast, valueAtMost, violation } from '../../lib/aws-validation.ts';
import { EsmError } from '../../pollers/esm/esm-error.ts';
import { esmApiShape } from '../../pollers/esm/api-shape.ts';
import type { EsmManager, EsmRecord } from '../../pollers/esm/manager.ts';
import {
  InvalidParameterValueException, InvalidRequestContentException, type LambdaApiError, ResourceConflictException,
  ResourceInUseException, ResourceNotFoundException, ValidationException, invalidInput,
} from '../errors.ts';
import type { Registry } from '../registry/registry.ts';
import { markerOffset } from './management-routes.ts';

const BASE = '/2015-03-31/event-source-mappings';

export function registerEsmRoutes(app: FastifyInstance, esm: EsmManager, registry: Registry): void {
  const shape = (r: EsmRecord) => esmApiShape(r, registry.ctx, esm.status(r));
  const run = async <T>(fn: () => Promise<T> | T): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw err instanceof EsmError ? toApiError(err) : err;
    }
  };

  const create = async (request: { body: unknown }, reply: FastifyReply) => {
    const record = await run(() => esm.create(jsonBody(request.body)));
    return reply.code(202).send(shape(record));
  };
  app.post(BASE, create);
  app.post(`${BASE}/`, create);

  type ListRoute = { Querystring: { EventSourceArn?: string; FunctionName?: string; Marker?: string; MaxItems?: string } };
  const list = async (request: { query: ListRoute['Querystring'] }) => {
    const { EventSourceArn, FunctionName, Marker, MaxItems } = request.query;
    const max = MaxItems === undefined ? 100 : Number(MaxItems);
    if (!Number.isInteger(max) || max < 1 || max > 10_000) {
      throw invalidInput([violation(MaxItems, 'maxItems', max < 1 ? valueAtLeast(1) : valueAtMost(10_000))]);
    }
    let fnFilter: ((arn: string) => boolean) | undefined;
    if (FunctionName !== undefined) {
      // A function that does not exist (any more) lists its mappings too: none, or those it left behind.
      const { name, qualifier } = registry.ref(FunctionName, undefined, 'lambda:ListEventSourceMappings');
      const base = registry.arn(name);
      const wanted = qualifier === undefined ? undefined : registry.arn(name, qualifier);
      fnFilter = (arn) => (wanted ? arn === wanted : arn === base || arn.startsWith(`${base}:`));
    }
    const all = esm.list({ eventSourceArn: EventSourceArn, functionArn: fnFilter });
    const start = markerOffset(Marker);
    const page = all.slice(start, start + max);
    const next = start + page.length;
    return {
      EventSourceMappings: page.map(shape),
      ...(next < all.length ? { NextMarker: Buffer.from(String(next)).toString('base64') } : {}),
    };
  };
  app.get<ListRoute>(BASE, list);
  app.get<ListRoute>(`${BASE}/`, list);

  // Emulator view: every mapping with where it came from and its poller's counters.
  app.get('/_ephemera/event-source-mappings', async () => ({
    mappings: esm.list().map((r) => ({ ...shape(r), Origin: r.origin, Counters: esm.status(r)?.counters ?? {} })),
  }));

  type OneRoute = { Params: { UUID: string } };
  app.get<OneRoute>(`${BASE}/:UUID`, async (request) => shape(await run(() => esm.get(request.params.UUID))));
  app.put<OneRoute>(`${BASE}/:UUID`, async (request, reply) => {
    const record = await run(() => esm.update(request.params.UUID, jsonBody(request.body)));
    return reply.code(202).send(shape(record));
  });
  app.delete<OneRoute>(`${BASE}/:UUID`, async (request, reply) => {
    const record = await run(() => esm.delete(request.params.UUID));
    return reply.code(202).send(shape(record));
  });
}

function jsonBody(body: unknown): Record<string, unknown> {
  if (!Buffer.isBuffer(body) || body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new InvalidRequestContentException('Could not parse request body into json: Could not parse payload into json');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidRequestContentException('Could not parse request body into json: the body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function toApiError(err: EsmError): LambdaApiError {
  switch (err.type) {
    case 'ValidationException': return new ValidationException(err.message);
    case 'ResourceConflictException': return new ResourceConflictException(err.message);
    case 'ResourceNotFoundException': return new ResourceNotFoundException(err.message);
    case 'ResourceInUseException': return new ResourceInUseException(err.message);
    default: return new InvalidParameterValueException(err.message);
  }
}
