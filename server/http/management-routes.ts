// The read side of the management API (2015-03-31 REST paths): ListFunctions, GetFunction and
// GetFunctionConfiguration, so the aws CLI, the SDKs and tooling can see what ephemera serves.
import type { FastifyInstance } from 'fastify';
import { InvalidParameterValueException } from '../errors.ts';
import type { Registry } from '../registry/registry.ts';
import { functionConfiguration } from './function-configuration.ts';

const PAGE = 50;

type FnRoute = { Params: { FunctionName: string }; Querystring: { Qualifier?: string } };

export function registerManagementRoutes(app: FastifyInstance, registry: Registry): void {
  const describe = (name: string, qualifier: string | undefined): Record<string, unknown> => {
    const { fn } = registry.resolve(name, qualifier);
    // Get* with a qualifier (even $LATEST) answers a qualified FunctionArn, as AWS does.
    return functionConfiguration(fn, registry.ctx.accountId, qualifier !== undefined || name.includes(':$LATEST'));
  };

  type ListRoute = { Querystring: { Marker?: string; MaxItems?: string; FunctionVersion?: string } };
  const list = async (request: { query: ListRoute['Querystring'] }): Promise<Record<string, unknown>> => {
    const max = request.query.MaxItems === undefined ? PAGE : Number(request.query.MaxItems);
    if (!Number.isInteger(max) || max < 1 || max > 10_000) {
      throw new InvalidParameterValueException('MaxItems must be an integer from 1 to 10000');
    }
    const all = registry.list().sort((a, b) => a.config.name.localeCompare(b.config.name));
    const start = request.query.Marker ? Number(Buffer.from(request.query.Marker, 'base64').toString()) || 0 : 0;
    const page = all.slice(start, start + Math.min(max, PAGE));
    const next = start + page.length;
    return {
      Functions: page.map((fn) => functionConfiguration(fn, registry.ctx.accountId, false)),
      ...(next < all.length ? { NextMarker: Buffer.from(String(next)).toString('base64') } : {}),
    };
  };
  // SDKs send the path with and without the trailing slash; AWS accepts both.
  app.get<ListRoute>('/2015-03-31/functions', list);
  app.get<ListRoute>('/2015-03-31/functions/', list);

  app.get<FnRoute>('/2015-03-31/functions/:FunctionName', async (request) => {
    const configuration = describe(request.params.FunctionName, request.query.Qualifier);
    const { fn } = registry.resolve(request.params.FunctionName, request.query.Qualifier);
    return {
      Configuration: configuration,
      Code: { RepositoryType: 'S3', Location: `file://${fn.config.codeDir}` },
      ...(fn.config.reservedConcurrency !== undefined ? { Concurrency: { ReservedConcurrentExecutions: fn.config.reservedConcurrency } } : {}),
      Tags: {},
    };
  });

  app.get<FnRoute>('/2015-03-31/functions/:FunctionName/configuration', async (request) => describe(request.params.FunctionName, request.query.Qualifier));
}
