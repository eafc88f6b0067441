// Concurrency on the wire: Put/Get/DeleteFunctionConcurrency (reserved, whole function), Put/Get/Delete/
// ListProvisionedConcurrencyConfig (a version or an alias; environments really initialised by the pool)
// and GetAccountSettings, with AWS's rules and messages (reference §6, §10).
import type { FastifyInstance } from 'fastify';
import { NOT_NULL, violation } from '../../lib/aws-validation.ts';
import {
  functionNotFound, InvalidParameterValueException, invalidInput, ProvisionedConcurrencyConfigNotFoundException, ResourceConflictException,
  ResourceNotFoundException,
} from '../errors.ts';
import type { FunctionEntry } from '../registry/function-entry.ts';
import { qualifierKind } from '../registry/function-ref.ts';
import type { Registry } from '../registry/registry.ts';
import { lastModified } from './function-configuration.ts';
import { intIn, jsonBody } from './function-input.ts';
import { checkProvisionable } from './managed-instances-input.ts';
import { page } from './management-routes.ts';

export interface ConcurrencyDeps {
  registry: Registry;
  /** The account's concurrency (--max-concurrency). */
  accountLimit: number;
  /** Provisioned environments ready for a function version. */
  ready(functionName: string, version: string): number;
}

type FnRoute = { Params: { FunctionName: string }; Querystring: { Qualifier?: string; List?: string; Marker?: string; MaxItems?: string } };

export function registerConcurrencyRoutes(app: FastifyInstance, deps: ConcurrencyDeps): void {
  const { registry } = deps;
  // AWS keeps 100 of the account's 1,000 unreserved; scaled down for a smaller --max-concurrency.
  const minimumUnreserved = Math.min(100, Math.floor(deps.accountLimit / 10));
  const reservedBy = (except?: FunctionEntry): number => registry.all()
    .filter((e) => e !== except)
    .reduce((sum, e) => sum + (e.latest.fv.config.reservedConcurrency ?? 0), 0);
  const provisionedTotal = (entry: FunctionEntry, except?: string): number =>
    [...entry.provisioned].filter(([q]) => q !== except).reduce((sum, [, s]) => sum + s.requested, 0);
  /** The function of a reserved-concurrency request; a missing one is named as `$LATEST` by PutFunctionConcurrency. */
  const unqualified = (raw: string, missingAsLatest = false): FunctionEntry => {
    const { name, qualifier } = registry.ref(raw, undefined, 'lambda:PutFunctionConcurrency', 'plain');
    if (qualifier !== undefined) {
      throw new InvalidParameterValueException('This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN.');
    }
    const entry = registry.entry(name);
    if (!entry) throw functionNotFound(registry.arn(name, missingAsLatest ? '$LATEST' : undefined));
    return entry;
  };
  // The account-limit answers carry no Type.
  const belowMinimum = (what: string): InvalidParameterValueException => new InvalidParameterValueException(
    `Specified ${what} for function decreases account's UnreservedConcurrentExecution below its minimum value of [${minimumUnreserved}].`, { untyped: true });

  app.put<FnRoute>('/2017-10-31/functions/:FunctionName/concurrency', async (request) => {
    const body = jsonBody(request.body);
    const value = intIn(body, 'ReservedConcurrentExecutions', 'reservedConcurrentExecutions', 0, 1_000_000);
    if (value === undefined) throw invalidInput([violation(null, 'reservedConcurrentExecutions', NOT_NULL)]);
    const entry = unqualified(request.params.FunctionName, true);
    if (deps.accountLimit - reservedBy(entry) - value < minimumUnreserved) throw belowMinimum('ReservedConcurrentExecutions');
    const provisioned = provisionedTotal(entry);
    if (provisioned > value) {
      throw new InvalidParameterValueException(` ReservedConcurrentExecutions  ${value} should not be lower than function's total provisioned concurrency [${provisioned}].`, { untyped: true });
    }
    registry.setReservedConcurrency(entry, value);
    return { ReservedConcurrentExecutions: value };
  });

  app.get<FnRoute>('/2019-09-30/functions/:FunctionName/concurrency', async (request) => {
    const reserved = unqualified(request.params.FunctionName).latest.fv.config.reservedConcurrency;
    return reserved === undefined ? {} : { ReservedConcurrentExecutions: reserved };
  });

  app.delete<FnRoute>('/2017-10-31/functions/:FunctionName/concurrency', async (request, reply) => {
    registry.setReservedConcurrency(unqualified(request.params.FunctionName), undefined);
    return reply.code(204).send();
  });

  /** The entry and the qualifier a provisioned-concurrency request names (version or alias, never $LATEST). */
  const target = (raw: string, query: string | undefined, latestMessage: string): { entry: FunctionEntry; qualifier: string; version: string } => {
    const { name, qualifier } = registry.ref(raw, query, 'lambda:GetProvisionedConcurrencyConfig', 'plain');
    if (qualifier === undefined) throw invalidInput([violation(null, 'qualifier', NOT_NULL)]);
    if (qualifierKind(qualifier) === 'latest') throw new InvalidParameterValueException(latestMessage);
    const entry = registry.entry(name);
    if (qualifierKind(qualifier) === 'alias') {
      const alias = entry?.aliases.get(qualifier);
      if (!entry || !alias) throw new ResourceNotFoundException(`Cannot find alias arn: ${registry.arn(name, qualifier)}`);
      return { entry, qualifier, version: alias.functionVersion };
    }
    if (!entry || !entry.versions.has(qualifier)) throw functionNotFound(registry.arn(name, qualifier));
    return { entry, qualifier, version: qualifier };
  };
  const describe = (entry: FunctionEntry, qualifier: string, version: string) => {
    const setting = entry.provisioned.get(qualifier)!;
    const allocated = Math.min(setting.requested, deps.ready(entry.name, version));
    return {
      RequestedProvisionedConcurrentExecutions: setting.requested,
      AvailableProvisionedConcurrentExecutions: allocated,
      AllocatedProvisionedConcurrentExecutions: allocated,
      Status: allocated >= setting.requested ? 'READY' : 'IN_PROGRESS',
      LastModified: lastModified(setting.lastModified),
    };
  };
  const path = '/2019-09-30/functions/:FunctionName/provisioned-concurrency';

  app.put<FnRoute>(path, async (request, reply) => {
    // The body's model constraints first, then the qualifier and the service's rules.
    const requested = intIn(jsonBody(request.body), 'ProvisionedConcurrentExecutions', 'provisionedConcurrentExecutions', 1, 1_000_000);
    if (requested === undefined) throw invalidInput([violation(null, 'provisionedConcurrentExecutions', NOT_NULL)]);
    const { entry, qualifier, version } = target(request.params.FunctionName, request.query.Qualifier, 'Provisioned Concurrency Configs cannot be applied to unpublished function versions.');
    checkProvisionable(entry.latest.fv.config);
    if (qualifierKind(qualifier) === 'alias' && entry.provisioned.has(version)) {
      throw new ResourceConflictException("Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version");
    }
    if (qualifierKind(qualifier) === 'version' && [...entry.aliases.values()].some((a) => a.functionVersion === qualifier && entry.provisioned.has(a.name))) {
      throw new ResourceConflictException('Version is pointed by a Provisioned Concurrency alias');
    }
    const reserved = entry.latest.fv.config.reservedConcurrency;
    if (reserved !== undefined && reserved < provisionedTotal(entry, qualifier) + requested) {
      throw new InvalidParameterValueException('Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function');
    }
    const unreserved = deps.accountLimit - reservedBy();
    if (requested > unreserved) {
      throw new InvalidParameterValueException(`Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [${unreserved}].`, { untyped: true });
    }
    if (requested > unreserved - minimumUnreserved) throw belowMinimum('ConcurrentExecutions');
    const setting = { requested, lastModified: new Date() };
    entry.provisioned.set(qualifier, setting);
    void registry.applyProvisioned(entry);
    return reply.code(202).send({
      RequestedProvisionedConcurrentExecutions: requested, AllocatedProvisionedConcurrentExecutions: 0,
      AvailableProvisionedConcurrentExecutions: 0, Status: 'IN_PROGRESS', LastModified: lastModified(setting.lastModified),
    });
  });

  app.get<FnRoute>(path, async (request) => {
    if (request.query.List === 'ALL') {
      const entry = registry.function(request.params.FunctionName);
      const rows = [...entry.provisioned.keys()].filter((q) => q !== '$LATEST').map((q) => ({
        FunctionArn: registry.arn(entry.name, q), ...describe(entry, q, entry.aliases.get(q)?.functionVersion ?? q),
      }));
      const { items, NextMarker } = page(rows, request.query);
      return { ProvisionedConcurrencyConfigs: items, ...(NextMarker ? { NextMarker } : {}) };
    }
    const { entry, qualifier, version } = target(request.params.FunctionName, request.query.Qualifier, 'The function resource provided must be an alias or a published version.');
    if (!entry.provisioned.has(qualifier)) throw new ProvisionedConcurrencyConfigNotFoundException('No Provisioned Concurrency Config found for this function');
    return describe(entry, qualifier, version);
  });

  app.delete<FnRoute>(path, async (request, reply) => {
    const { entry, qualifier } = target(request.params.FunctionName, request.query.Qualifier, 'The function resource provided must be an alias or a published version.');
    if (entry.provisioned.delete(qualifier)) void registry.applyProvisioned(entry);
    return reply.code(204).send();
  });

  const settings = async () => {
    const entries = registry.all();
    const reserved = reservedBy();
    const codeSize = entries.reduce((sum, e) => sum + [e.latest, ...e.versions.values()].reduce((s, r) => s + registry.codeFacts(r).size, 0), 0);
    return {
      AccountLimit: {
        TotalCodeSize: 80_530_636_800, CodeSizeUnzipped: 262_144_000, CodeSizeZipped: 52_428_800,
        ConcurrentExecutions: deps.accountLimit, UnreservedConcurrentExecutions: deps.accountLimit - reserved,
      },
      AccountUsage: { TotalCodeSize: codeSize, FunctionCount: entries.length },
    };
  };
  app.get('/2016-08-19/account-settings', settings);
  app.get('/2016-08-19/account-settings/', settings);
}
