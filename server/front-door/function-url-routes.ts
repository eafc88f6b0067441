// The function URL configuration API on the main port (2021-10-31): Create/Get/Update/Delete
// FunctionUrlConfig and ListFunctionUrlConfigs, with AWS's shapes, status codes and error messages.
import type { FastifyInstance } from 'fastify';
import { check, valueAtLeast, valueAtMost, violation } from '../../lib/aws-validation.ts';
import { InvalidParameterValueException, ResourceConflictException, ResourceNotFoundException, invalidInput } from '../errors.ts';
import { jsonBody } from '../http/function-input.ts';
import { page } from '../http/management-routes.ts';
import type { Registry } from '../registry/registry.ts';
import { qualifierKind } from '../registry/function-ref.ts';
import { RULES } from '../lambda-rules.ts';
import type { FrontDoor } from './front-door.ts';
import type { FunctionUrlRecord } from './function-url-store.ts';
import { corsInput } from './url-config-input.ts';

type UrlRoute = { Params: { FunctionName: string }; Querystring: { Qualifier?: string; Marker?: string; MaxItems?: string } };

const missing = (): ResourceNotFoundException => new ResourceNotFoundException('The resource you requested does not exist.');
const noFunction = (): ResourceNotFoundException => new ResourceNotFoundException('Function does not exist');

export function registerFunctionUrlRoutes(app: FastifyInstance, registry: Registry, frontDoor: FrontDoor): void {
  const base = '/2021-10-31/functions/:FunctionName/url';

  /** The function (and alias) the request names; `exists` picks the 404 message of the operation. */
  const target = (request: { params: UrlRoute['Params']; query: UrlRoute['Querystring'] }, notFound: () => ResourceNotFoundException) => {
    // The model's FunctionUrlFunctionName and FunctionUrlQualifier (an alias, never a version or $LATEST).
    const { name, qualifier } = registry.ref(request.params.FunctionName, request.query.Qualifier, undefined, 'url');
    const entry = registry.entry(name);
    if (!entry) throw notFound();
    if (qualifier !== undefined && qualifierKind(qualifier) === 'alias' && !entry.aliases.has(qualifier)) throw notFound();
    return { name, qualifier, arn: registry.arn(name, qualifier) };
  };

  const shape = async (r: FunctionUrlRecord, arn: string, op: 'create' | 'update' | 'get'): Promise<Record<string, unknown>> => ({
    FunctionUrl: await frontDoor.functionUrl(r),
    FunctionArn: arn,
    AuthType: r.authType,
    ...(r.corsInput ? { Cors: r.corsInput } : {}),
    CreationTime: r.creationTime,
    ...(op === 'create' ? {} : { LastModifiedTime: r.lastModifiedTime }),
    ...(op === 'get' || r.invokeModeGiven ? { InvokeMode: r.invokeMode } : {}),
  });

  app.post<UrlRoute>(base, async (request, reply) => {
    const t = target(request, noFunction);
    const body = jsonBody(request.body);
    const authType = authTypeOf(body.AuthType, true)!;
    const mode = invokeModeOf(body.InvokeMode);
    const cors = corsInput(body.Cors);
    if (frontDoor.urls.get(t.name, t.qualifier)) {
      throw new ResourceConflictException(`Failed to create function url config for [functionArn = ${t.arn}]. Error message:  FunctionUrlConfig exists for this Lambda function`);
    }
    const record = frontDoor.urls.add({
      functionName: t.name, qualifier: t.qualifier, authType, invokeMode: mode ?? 'BUFFERED', invokeModeGiven: mode !== undefined,
      ...(cors ? { corsInput: cors.input, cors: cors.config } : {}),
    });
    return reply.code(201).send(await shape(record, t.arn, 'create'));
  });

  app.get<UrlRoute>(base, async (request) => {
    const t = target(request, missing);
    const record = frontDoor.urls.get(t.name, t.qualifier);
    if (!record) throw missing();
    return shape(record, t.arn, 'get');
  });

  app.put<UrlRoute>(base, async (request) => {
    const t = target(request, noFunction);
    const record = frontDoor.urls.get(t.name, t.qualifier);
    if (!record) throw missing();
    const body = jsonBody(request.body);
    const authType = authTypeOf(body.AuthType, false);
    const mode = invokeModeOf(body.InvokeMode);
    const cors = body.Cors === undefined ? undefined : corsInput(body.Cors);
    const next = frontDoor.urls.update(record, {
      ...(authType ? { authType } : {}),
      ...(mode ? { invokeMode: mode, invokeModeGiven: true } : {}),
      ...(cors ? { corsInput: cors.input, cors: cors.config } : {}),
    });
    return shape(next, t.arn, 'update');
  });

  app.delete<UrlRoute>(base, async (request, reply) => {
    const t = target(request, missing);
    const record = frontDoor.urls.get(t.name, t.qualifier);
    if (!record) throw missing();
    frontDoor.urls.remove(record);
    return reply.code(204).send();
  });

  app.get<UrlRoute>('/2021-10-31/functions/:FunctionName/urls', async (request) => {
    const { name, qualifier } = registry.ref(request.params.FunctionName, undefined, undefined, 'url');
    if (qualifier !== undefined) throw new InvalidParameterValueException('Qualifier is not supported by ListFunctionUrlConfigs');
    if (!registry.entry(name)) throw noFunction();
    const max = request.query.MaxItems;
    if (max !== undefined && !(/^\d+$/.test(max) && Number(max) >= 1 && Number(max) <= 50)) {
      throw invalidInput([violation(max, 'maxItems', Number(max) < 1 ? valueAtLeast(1) : valueAtMost(50))]);
    }
    const { items, NextMarker } = page(frontDoor.urls.ofFunction(name), request.query, 50);
    const configs = await Promise.all(items.map((r) => shape(r, registry.arn(name, r.qualifier), 'get')));
    return { FunctionUrlConfigs: configs, ...(NextMarker ? { NextMarker } : {}) };
  });

  app.get<{ Querystring: { limit?: string } }>('/_ephemera/http-requests', async (request) => {
    const limit = Number(request.query.limit ?? 100);
    return { requests: frontDoor.requests.list(Number.isInteger(limit) && limit > 0 ? limit : 100) };
  });
}

function authTypeOf(v: unknown, required: boolean): 'NONE' | 'AWS_IAM' | undefined {
  if (v === undefined && !required) return undefined;
  if (v === 'NONE' || v === 'AWS_IAM') return v;
  throw invalidInput(check(v, { required: true, enum: ['NONE', 'AWS_IAM'] }, 'authType'));
}

function invokeModeOf(v: unknown): 'BUFFERED' | 'RESPONSE_STREAM' | undefined {
  if (v === undefined) return undefined;
  if (v === 'BUFFERED' || v === 'RESPONSE_STREAM') return v;
  throw invalidInput(check(v, { enum: ['RESPONSE_STREAM', 'BUFFERED'] }, 'invokeMode'));
}
