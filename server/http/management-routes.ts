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

/**
 * One page of `all`. Without `keyOf` the marker is an offset; with it (a list in key order) the marker
 * names the last key given, so a list that changes between pages neither skips nor repeats an item.
 */
export function page<T>(
  all: T[], query: { Marker?: string; MaxItems?: string }, limit = PAGE, keyOf?: (item: T) => string,
): { items: T[]; NextMarker?: string } {
  const max = query.MaxItems === undefined ? limit : Number(query.MaxItems);
  if (!Number.isInteger(max) || max < 1 || max > 10_000) {
    throw new InvalidParameterValueException('MaxItems must be an integer from 1 to 10000');
  }
  let start = markerOffset(query.Marker);
  if (keyOf && query.Marker) {
    const after = Buffer.from(query.Marker, 'base64').toString('utf8');
    start = all.findIndex((item) => keyOf(item) > after);
    if (start < 0) start = all.length;
  }
  const items = all.slice(start, start + Math.min(max, limit));
  const next = start + items.length;
  if (next >= all.length) return { items };
  const marker = keyOf ? keyOf(items[items.length - 1]) : String(next);
  return { items, NextMarker: Buffer.from(marker).toString('base64') };
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
    // In ARN order, paged by the last ARN given: functions created or deleted meanwhile do not shift pages.
    rows.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
    const { items, NextMarker } = page(rows, request.query, undefined, (r) => r.arn);
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
