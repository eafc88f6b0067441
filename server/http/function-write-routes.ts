// The write side of the management API for functions (2015-03-31): CreateFunction, UpdateFunctionCode,
// UpdateFunctionConfiguration, DeleteFunction (whole function or one version), PublishVersion and
// ListVersionsByFunction. Environments of a changed $LATEST retire through the registry's VersionRuntime.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { check, lengthAtMost, matchesPattern, NOT_NULL, validationMessage, violation } from '../../lib/aws-validation.ts';
import { functionNotFound, InvalidParameterValueException, invalidInput, ResourceConflictException, revisionMismatch } from '../errors.ts';
import { FUNCTION_LIMITS, PATTERNS, RULES, unrunnableRuntimeWarning } from '../lambda-rules.ts';
import type { FunctionConfig } from '../model.ts';
import { aliasesOf, publishedVersions, type VersionRecord } from '../registry/function-entry.ts';
import { qualifierKind } from '../registry/function-ref.ts';
import type { Registry } from '../registry/registry.ts';
import { publishVersion } from '../registry/versioning.ts';
import { CODE_REQUEST_LIMIT, readCode, tooLargeForCode } from './function-code.ts';
import { checkTagCount } from './tag-routes.ts';
import { functionConfiguration } from './function-configuration.ts';
import { capacityProviderInput } from './managed-instances-input.ts';
import { architectureViolations, type Body, checkArchitectures, configChanges, jsonBody, roleViolations, str } from './function-input.ts';
import { page } from './management-routes.ts';

type FnRoute = { Params: { FunctionName: string }; Querystring: { Qualifier?: string; Marker?: string; MaxItems?: string } };
const CODE_ROUTE = { bodyLimit: 2 * CODE_REQUEST_LIMIT };
const MANDATORY = 'Runtime and Handler are mandatory parameters for functions created with deployment packages.';

export function registerFunctionWriteRoutes(app: FastifyInstance, registry: Registry, logger: Logger): void {
  const warnRuntime = (config: FunctionConfig): void => {
    const warning = unrunnableRuntimeWarning(config.runtime);
    if (warning) logger.warn(`function ${config.name}: ${warning}`);
  };
  const guard = (body: Body, record: VersionRecord): void => {
    const revision = str(body, 'RevisionId', 'revisionId');
    if (revision !== undefined && revision !== record.revisionId) throw revisionMismatch();
  };

  const create = async (request: FastifyRequest, reply: FastifyReply) => {
    if (Buffer.isBuffer(request.body) && request.body.length > CODE_REQUEST_LIMIT) throw tooLargeForCode('CreateFunction');
    const body = jsonBody(request.body);
    // The framework first: every member's model constraints, reported together.
    const rawName = typeof body.FunctionName === 'string' ? body.FunctionName : undefined;
    const problems = [
      ...check(body.FunctionName === undefined || body.FunctionName === null ? undefined : String(body.FunctionName), RULES.functionName, 'functionName'),
      ...roleViolations(body.Role),
      ...architectureViolations(body.Architectures),
      ...(body.Code === undefined || body.Code === null ? [violation(null, 'code', NOT_NULL)] : []),
    ];
    if (problems.length > 0) throw invalidInput(problems);
    const { name, qualifier } = registry.ref(rawName!, undefined, 'lambda:CreateFunction', 'plain');
    if (qualifier !== undefined) throw invalidInput([violation(rawName, 'functionName', matchesPattern(PATTERNS.unqualifiedFunctionName))]);
    // Then the service's own: a name of at most 64 characters (the ARN forms allow up to 140).
    if (name.length > FUNCTION_LIMITS.functionNameLength) {
      throw new InvalidParameterValueException(validationMessage([violation(rawName, 'functionName', lengthAtMost(FUNCTION_LIMITS.functionNameLength))]));
    }
    const role = body.Role as string;
    if (body.PackageType !== undefined && body.PackageType !== 'Zip') {
      throw new InvalidParameterValueException('Container image functions (PackageType Image) are not supported by ephemera: use a Zip package.');
    }
    const { changes, layerArns } = configChanges(registry, body);
    if (!changes.runtime || (!changes.handler && !changes.runtime.startsWith('provided'))) throw new InvalidParameterValueException(MANDATORY);
    const architecture = checkArchitectures(body.Architectures) ?? 'x86_64';
    if (typeof body.Code !== 'object') throw invalidInput([violation(null, 'code', NOT_NULL)]);
    if (registry.entry(name)) throw new ResourceConflictException(`Function already exist: ${name}`);
    const tags = body.Tags && typeof body.Tags === 'object' ? (body.Tags as Record<string, string>) : {};
    checkTagCount(tags);
    const source = readCode(registry, name, body.Code as Body);
    const config: FunctionConfig = {
      name, logicalId: name, codeDir: source.dir, handler: '', runtime: changes.runtime, memorySize: FUNCTION_LIMITS.memorySize.default,
      timeout: FUNCTION_LIMITS.timeout.default, environment: {}, ephemeralStorage: FUNCTION_LIMITS.ephemeralStorage.default, description: '',
      architecture, logFormat: 'Text', ...changes,
    };
    const managed = capacityProviderInput(body, config);
    if (managed) config.managedInstances = managed;
    warnRuntime(config);
    const entry = registry.add(config, { code: source.code, role, layerArns }, tags);
    // CreateFunction answers while the function is still Pending (with Publish, it shows the new version);
    // the function becomes Active at once here, and, as on AWS, gets a new RevisionId when it does.
    let answer: Record<string, unknown>;
    if (body.Publish === true) {
      const version = publishVersion(registry, entry).record;
      answer = functionConfiguration(registry, version, { arn: registry.arn(name), view: 'creating' });
      registry.settle(version);
    } else {
      answer = functionConfiguration(registry, entry.latest, { arn: registry.arn(name), view: 'creating' });
    }
    registry.settle(entry.latest);
    return reply.code(201).send(answer);
  };
  app.post('/2015-03-31/functions', CODE_ROUTE, create);
  app.post('/2015-03-31/functions/', CODE_ROUTE, create);

  app.put<FnRoute>('/2015-03-31/functions/:FunctionName/code', CODE_ROUTE, async (request) => {
    if (Buffer.isBuffer(request.body) && request.body.length > CODE_REQUEST_LIMIT) throw tooLargeForCode('UpdateFunctionCode');
    const entry = registry.function(request.params.FunctionName, 'lambda:UpdateFunctionCode');
    const body = jsonBody(request.body);
    guard(body, entry.latest);
    const source = readCode(registry, entry.name, body);
    const architecture = checkArchitectures(body.Architectures);
    const config: FunctionConfig = { ...entry.latest.fv.config, codeDir: source.dir, ...(architecture ? { architecture } : {}) };
    if (body.DryRun === true) {
      const preview = { ...entry.latest, fv: { ...entry.latest.fv, config }, code: source.code };
      return functionConfiguration(registry, preview, { arn: registry.arn(entry.name) });
    }
    const latest = registry.updateLatest(entry, config, { code: source.code });
    // The answer shows the update in progress (or, with Publish, the new version still Pending); the
    // update finishes at once here and, as on AWS, the RevisionId changes when it does.
    let answer: Record<string, unknown>;
    if (body.Publish === true) {
      const version = publishVersion(registry, entry).record;
      answer = functionConfiguration(registry, version, { arn: registry.arn(entry.name, version.fv.version), view: 'creating' });
      registry.settle(version);
    } else {
      answer = functionConfiguration(registry, latest, { arn: registry.arn(entry.name), view: 'updating' });
    }
    registry.settle(entry.latest);
    return answer;
  });

  app.put<FnRoute>('/2015-03-31/functions/:FunctionName/configuration', async (request) => {
    const entry = registry.function(request.params.FunctionName, 'lambda:UpdateFunctionConfiguration');
    const body = jsonBody(request.body);
    guard(body, entry.latest);
    const latest = entry.latest;
    const { changes, role, layerArns } = configChanges(registry, body);
    // A durable function is one created with DurableConfig (docs, durable functions' key concepts).
    if (changes.durableConfig && !latest.fv.config.durableConfig) {
      throw new InvalidParameterValueException('DurableConfig can only be set when the function is created.');
    }
    const config: FunctionConfig = { ...latest.fv.config, ...changes };
    config.managedInstances = capacityProviderInput(body, config, latest.fv.config);
    if (!config.handler && !config.runtime.startsWith('provided')) throw new InvalidParameterValueException(MANDATORY);
    if (changes.runtime) warnRuntime(config);
    const record = registry.updateLatest(entry, config, { code: latest.code, role: role ?? latest.role, layerArns: layerArns ?? latest.layerArns });
    const answer = functionConfiguration(registry, record, { arn: registry.arn(entry.name), view: 'updating' });
    registry.settle(record);
    return answer;
  });

  app.delete<FnRoute>('/2015-03-31/functions/:FunctionName', async (request, reply) => {
    const { name, qualifier } = registry.ref(request.params.FunctionName, request.query.Qualifier, 'lambda:DeleteFunction');
    if (qualifier === '$LATEST') throw new InvalidParameterValueException('$LATEST version cannot be deleted without deleting the function.');
    // An alias-like qualifier is refused before the function is even looked up (AWS, 2024).
    if (qualifierKind(qualifier) === 'alias' && /^[a-zA-Z0-9-_]+$/.test(qualifier!)) {
      throw new InvalidParameterValueException('Deletion of aliases is not currently supported.');
    }
    const entry = registry.entry(name);
    // AWS names the function without the qualifier here, whatever was asked.
    if (!entry) throw functionNotFound(registry.arn(name));
    if (qualifier === undefined) {
      await registry.deleteFunction(entry);
    } else if (qualifierKind(qualifier) === 'version') {
      // Deleting a version that does not exist succeeds (AWS's answer is idempotent).
      const aliases = aliasesOf(entry, qualifier);
      if (aliases.length > 0) throw new ResourceConflictException(`Unable to delete version because the following aliases reference it: [${aliases.join(', ')}]`);
      await registry.deleteVersion(entry, qualifier);
    } else {
      // A qualifier that is neither a version nor an alias name (`$latest`): no such function.
      throw functionNotFound(registry.arn(name));
    }
    return reply.code(204).send();
  });

  app.post<FnRoute>('/2015-03-31/functions/:FunctionName/versions', async (request, reply) => {
    const entry = registry.function(request.params.FunctionName, 'lambda:PublishVersion');
    const body = jsonBody(request.body);
    const published = publishVersion(registry, entry, {
      description: str(body, 'Description', 'description'), codeSha256: str(body, 'CodeSha256', 'codeSha256'), revisionId: str(body, 'RevisionId', 'revisionId'),
    });
    if (published.warning) logger.warn(published.warning);
    // $LATEST is settled here, so the new version is Active at once (as on AWS once $LATEST is).
    const record = published.record;
    return reply.code(201).send(functionConfiguration(registry, record, { arn: registry.arn(entry.name, record.fv.version) }));
  });

  app.get<FnRoute>('/2015-03-31/functions/:FunctionName/versions', async (request) => {
    const entry = registry.function(request.params.FunctionName, 'lambda:ListVersionsByFunction', 'namespaced');
    const { items, NextMarker } = page([entry.latest, ...publishedVersions(entry)], request.query);
    return {
      Versions: items.map((r) => functionConfiguration(registry, r, { arn: registry.arn(entry.name, r.fv.version), view: 'listed' })),
      ...(NextMarker ? { NextMarker } : {}),
    };
  });
}
