// The write side of the management API for functions (2015-03-31): CreateFunction, UpdateFunctionCode,
// UpdateFunctionConfiguration, DeleteFunction (whole function or one version), PublishVersion and
// ListVersionsByFunction. Environments of a changed $LATEST retire through the registry's VersionRuntime.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { SUPPORTED_RUNTIMES } from '../environment/runtimes.ts';
import { functionNotFound, InvalidParameterValueException, ResourceConflictException, revisionMismatch, ValidationException } from '../errors.ts';
import type { FunctionConfig } from '../model.ts';
import { aliasesOf, publishedVersions, type VersionRecord } from '../registry/function-entry.ts';
import { qualifierKind } from '../registry/function-ref.ts';
import type { Registry } from '../registry/registry.ts';
import { publishVersion } from '../registry/versioning.ts';
import { CODE_REQUEST_LIMIT, readCode, tooLargeForCode } from './function-code.ts';
import { functionConfiguration } from './function-configuration.ts';
import { type Body, checkArchitectures, checkRole, configChanges, jsonBody, str } from './function-input.ts';
import { page } from './management-routes.ts';

type FnRoute = { Params: { FunctionName: string }; Querystring: { Qualifier?: string; Marker?: string; MaxItems?: string } };
const CODE_ROUTE = { bodyLimit: 2 * CODE_REQUEST_LIMIT };
const FUNCTION_NAME = /^[a-zA-Z0-9-_]{1,64}$/;
const MANDATORY = 'Runtime and Handler are mandatory parameters for functions created with deployment packages.';

export function registerFunctionWriteRoutes(app: FastifyInstance, registry: Registry, logger: Logger): void {
  const warnRuntime = (config: FunctionConfig): void => {
    if (!SUPPORTED_RUNTIMES.test(config.runtime)) logger.warn(`function ${config.name}: runtime ${config.runtime} is not supported by ephemera; invoking it returns Runtime.InvalidRuntime`);
  };
  const guard = (body: Body, record: VersionRecord): void => {
    const revision = str(body, 'RevisionId', 'revisionId');
    if (revision !== undefined && revision !== record.revisionId) throw revisionMismatch();
  };

  const create = async (request: FastifyRequest, reply: FastifyReply) => {
    if (Buffer.isBuffer(request.body) && request.body.length > CODE_REQUEST_LIMIT) throw tooLargeForCode('CreateFunction');
    const body = jsonBody(request.body);
    if (typeof body.FunctionName !== 'string') throw new ValidationException("1 validation error detected: Value null at 'functionName' failed to satisfy constraint: Member must not be null");
    const { name, qualifier } = registry.ref(body.FunctionName, undefined, 'lambda:CreateFunction');
    if (qualifier !== undefined || !FUNCTION_NAME.test(name)) {
      throw new ValidationException(`1 validation error detected: Value '${body.FunctionName}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)`);
    }
    const role = checkRole(body.Role);
    if (body.PackageType !== undefined && body.PackageType !== 'Zip') {
      throw new InvalidParameterValueException('Container image functions (PackageType Image) are not supported by ephemera: use a Zip package.');
    }
    const { changes, layerArns } = configChanges(registry, body);
    if (!changes.runtime || (!changes.handler && !changes.runtime.startsWith('provided'))) throw new InvalidParameterValueException(MANDATORY);
    const architecture = checkArchitectures(body.Architectures) ?? 'x86_64';
    if (!body.Code || typeof body.Code !== 'object') throw new ValidationException("1 validation error detected: Value null at 'code' failed to satisfy constraint: Member must not be null");
    if (registry.entry(name)) throw new ResourceConflictException(`Function already exist: ${name}`);
    const source = readCode(registry, name, body.Code as Body);
    const config: FunctionConfig = {
      name, logicalId: name, codeDir: source.dir, handler: '', runtime: changes.runtime, memorySize: 128, timeout: 3, environment: {},
      ephemeralStorage: 512, description: '', architecture, logFormat: 'Text', ...changes,
    };
    warnRuntime(config);
    const tags = body.Tags && typeof body.Tags === 'object' ? (body.Tags as Record<string, string>) : {};
    const entry = registry.add(config, { code: source.code, role, layerArns }, tags);
    const record = body.Publish === true ? publishVersion(registry, entry).record : entry.latest;
    return reply.code(201).send(functionConfiguration(registry, record, { arn: registry.arn(name), transition: 'creating' }));
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
    let record = registry.updateLatest(entry, config, { code: source.code });
    if (body.Publish === true) record = publishVersion(registry, entry).record;
    const arn = body.Publish === true ? registry.arn(entry.name, record.fv.version) : registry.arn(entry.name);
    return functionConfiguration(registry, record, { arn, transition: 'updating' });
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
    if (!config.handler && !config.runtime.startsWith('provided')) throw new InvalidParameterValueException(MANDATORY);
    if (changes.runtime) warnRuntime(config);
    const record = registry.updateLatest(entry, config, { code: latest.code, role: role ?? latest.role, layerArns: layerArns ?? latest.layerArns });
    return functionConfiguration(registry, record, { arn: registry.arn(entry.name), transition: 'updating' });
  });

  app.delete<FnRoute>('/2015-03-31/functions/:FunctionName', async (request, reply) => {
    const { name, qualifier } = registry.ref(request.params.FunctionName, request.query.Qualifier, 'lambda:DeleteFunction');
    if (qualifier === '$LATEST') throw new InvalidParameterValueException('$LATEST version cannot be deleted without deleting the function.');
    const entry = registry.entry(name);
    if (!entry) throw functionNotFound(registry.arn(name));
    if (qualifier === undefined) {
      await registry.deleteFunction(entry);
    } else if (qualifierKind(qualifier) === 'version') {
      if (!entry.versions.has(qualifier)) throw functionNotFound(registry.arn(name, qualifier));
      const aliases = aliasesOf(entry, qualifier);
      if (aliases.length > 0) throw new ResourceConflictException(`Unable to delete version because the following aliases reference it: [${aliases.join(', ')}]`);
      await registry.deleteVersion(entry, qualifier);
    } else {
      throw new InvalidParameterValueException('Deletion of aliases is not supported.');
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
    const record = published.record;
    return reply.code(201).send(functionConfiguration(registry, record, {
      arn: registry.arn(entry.name, record.fv.version), transition: published.created ? 'creating' : undefined,
    }));
  });

  app.get<FnRoute>('/2015-03-31/functions/:FunctionName/versions', async (request) => {
    const entry = registry.function(request.params.FunctionName, 'lambda:ListVersionsByFunction');
    const { items, NextMarker } = page([entry.latest, ...publishedVersions(entry)], request.query);
    return {
      Versions: items.map((r) => functionConfiguration(registry, r, { arn: registry.arn(entry.name, r.fv.version) })),
      ...(NextMarker ? { NextMarker } : {}),
    };
  });
}
