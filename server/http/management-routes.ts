// The read side of the management API (2015-03-31 REST paths): ListFunctions (with FunctionVersion=ALL),
// GetFunction and GetFunctionConfiguration with qualifiers (versions, aliases), so the aws CLI, the
// SDKs and tooling can see what ephemera serves.
import type { FastifyInstance } from 'fastify';
import { check } from '../../lib/aws-validation.ts';
import { InvalidParameterValueException, invalidInput } from '../errors.ts';
import { publishedVersions } from '../registry/function-entry.ts';
import type { Registry, Target } from '../registry/registry.ts';
import { functionConfiguration, getFunctionAnswer } from './function-configuration.ts';

const PAGE = 50;

type FnRoute = { Params: { FunctionName: string }; Querystring: { Qualifier?: string } };

/** Marker/MaxItems paging as the list operations do it (opaque marker = base64 offset). */
/** Our markers are a base64 offset; anything else (or a negative offset) starts from the beginning. */
export function markerOffset(marker: string | undefined): number {
  const n = marker ? Number(Buffer.from(marker, 'base64').toString()) : 0;
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

export function page<T>(all: T[], query: { Marker?: string; MaxItems?: string }, limit = PAGE): { items: T[]; NextMarker?: string } {
  const max = query.MaxItems === undefined ? limit : Number(query.MaxItems);
  if (!Number.isInteger(max) || max < 1 || max > 10_000) {
    throw new InvalidParameterValueException('MaxItems must be an integer from 1 to 10000');
  }
  const start = markerOffset(query.Marker);
  const items = all.slice(start, start + Math.min(max, limit));
  const next = start + items.length;
  return { items, ...(next < all.length ? { NextMarker: Buffer.from(String(next)).toString('base64') } : {}) };
}

/** The FunctionArn Get* shows: qualified (even `:$LATEST`) whenever the caller gave a qualifier. */
export function targetArn(reg: Registry, t: Target): string {
  return t.qualifier === undefined ? reg.arn(t.entry.name) : reg.arn(t.entry.name, t.qualifier);
}

export function registerManagementRoutes(app: FastifyInstance, registry: Registry): void {
  type ListRoute = { Querystring: { Marker?: string; MaxItems?: string; FunctionVersion?: string; MasterRegion?: string } };
  const list = async (request: { query: ListRoute['Querystring'] }): Promise<Record<string, unknown>> => {
    const all = request.query.FunctionVersion;
    if (all !== undefined && all !== 'ALL') {
      throw invalidInput(check(all, { enum: ['ALL'] }, 'functionVersion'));
    }
    // FunctionVersion=ALL: every version with a qualified ARN; else $LATEST with an unqualified one.
    const rows = registry.all().flatMap((entry) => all === 'ALL'
      ? [entry.latest, ...publishedVersions(entry)].map((record) => ({ record, arn: registry.arn(entry.name, record.fv.version) }))
      : [{ record: entry.latest, arn: registry.arn(entry.name) }]);
    const { items, NextMarker } = page(rows, request.query);
    return { Functions: items.map((r) => functionConfiguration(registry, r.record, { arn: r.arn, view: 'listed' })), ...(NextMarker ? { NextMarker } : {}) };
  };
  // SDKs send the path with and without the trailing slash; AWS accepts both.
  app.get<ListRoute>('/2015-03-31/functions', list);
  app.get<ListRoute>('/2015-03-31/functions/', list);

  app.get<FnRoute>('/2015-03-31/functions/:FunctionName', async (request) => {
    const t = registry.target(request.params.FunctionName, request.query.Qualifier);
    return getFunctionAnswer(registry, t.entry, t.record, targetArn(registry, t));
  });

  app.get<FnRoute>('/2015-03-31/functions/:FunctionName/configuration', async (request) => {
    const t = registry.target(request.params.FunctionName, request.query.Qualifier);
    return functionConfiguration(registry, t.record, { arn: targetArn(registry, t) });
  });
}
