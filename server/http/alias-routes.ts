// Aliases on the wire (2015-03-31): CreateAlias, GetAlias, UpdateAlias (RevisionId guard; moving an alias
// moves its provisioned concurrency), DeleteAlias and ListAliases (optionally by FunctionVersion).
import type { FastifyInstance } from 'fastify';
import { functionNotFound } from '../errors.ts';
import { aliasConfiguration } from '../registry/aliases.ts';
import type { Registry } from '../registry/registry.ts';
import { type AliasInput, createAlias, deleteAlias, getAlias, updateAlias } from '../registry/versioning.ts';
import { jsonBody } from './function-input.ts';
import { page } from './management-routes.ts';

type FnRoute = { Params: { FunctionName: string }; Querystring: { FunctionVersion?: string; Marker?: string; MaxItems?: string } };
type AliasRoute = { Params: { FunctionName: string; Name: string } };

export function registerAliasRoutes(app: FastifyInstance, registry: Registry): void {
  const base = '/2015-03-31/functions/:FunctionName/aliases';

  app.post<FnRoute>(base, async (request, reply) => {
    const input = jsonBody(request.body) as AliasInput;
    const { name } = registry.ref(request.params.FunctionName, undefined, 'lambda:CreateAlias', 'plain');
    // A missing function is named with the version the alias was to point at.
    if (!registry.entry(name)) throw functionNotFound(registry.arn(name, typeof input.FunctionVersion === 'string' ? input.FunctionVersion : undefined));
    const entry = registry.function(request.params.FunctionName, 'lambda:CreateAlias');
    const alias = createAlias(registry, entry, input);
    return reply.code(201).send(aliasConfiguration(alias, registry.arn(entry.name)));
  });

  app.get<FnRoute>(base, async (request) => {
    const entry = registry.function(request.params.FunctionName, 'lambda:ListAliases');
    const wanted = request.query.FunctionVersion;
    const all = [...entry.aliases.values()]
      .filter((a) => wanted === undefined || a.functionVersion === wanted)
      .sort((a, b) => a.name.localeCompare(b.name));
    const { items, NextMarker } = page(all, request.query);
    return { Aliases: items.map((a) => aliasConfiguration(a, registry.arn(entry.name))), ...(NextMarker ? { NextMarker } : {}) };
  });

  app.get<AliasRoute>(`${base}/:Name`, async (request) => {
    const entry = registry.function(request.params.FunctionName, 'lambda:GetAlias');
    return aliasConfiguration(getAlias(registry, entry, request.params.Name, 'cannot-find'), registry.arn(entry.name));
  });

  app.put<AliasRoute>(`${base}/:Name`, async (request) => {
    const entry = registry.function(request.params.FunctionName, 'lambda:UpdateAlias');
    const before = getAlias(registry, entry, request.params.Name).functionVersion;
    const alias = updateAlias(registry, entry, request.params.Name, jsonBody(request.body) as AliasInput);
    if (alias.functionVersion !== before && entry.provisioned.has(alias.name)) void registry.applyProvisioned(entry);
    return aliasConfiguration(alias, registry.arn(entry.name));
  });

  app.delete<AliasRoute>(`${base}/:Name`, async (request, reply) => {
    const entry = registry.function(request.params.FunctionName, 'lambda:DeleteAlias');
    await deleteAlias(registry, entry, request.params.Name);
    return reply.code(204).send();
  });
}
