// Put/Update/Get/Delete/ListFunctionEventInvokeConfig (2019-09-25): retries, maximum event age and
// destinations per qualifier ($LATEST, a version or an alias), stored where the asynchronous invoker reads
// them (FunctionConfig.eventInvokeConfig), with the destination rules of reference §7.
import type { FastifyInstance } from 'fastify';
import { check } from '../../lib/aws-validation.ts';
import { InvalidParameterValueException, invalidInput, ResourceNotFoundException } from '../errors.ts';
import { RULES } from '../lambda-rules.ts';
import type { FunctionConfig } from '../model.ts';
import type { Registry, Target } from '../registry/registry.ts';
import { type Body, intIn, jsonBody } from './function-input.ts';
import { page } from './management-routes.ts';

type Eic = NonNullable<FunctionConfig['eventInvokeConfig']>;
type FnRoute = { Params: { FunctionName: string }; Querystring: { Qualifier?: string; Marker?: string; MaxItems?: string } };

const startedAt = Math.floor(Date.now() / 1000);

/** DestinationConfig → onSuccess/onFailure ARNs, or AWS's error. */
export function checkDestinations(reg: Registry, functionName: string, dc: unknown): Pick<Eic, 'onSuccess' | 'onFailure'> {
  if (dc === null || typeof dc !== 'object') return {};
  const get = (key: 'OnSuccess' | 'OnFailure'): string | undefined => {
    const d = (dc as Record<string, { Destination?: unknown } | undefined>)[key]?.Destination;
    return typeof d === 'string' && d !== '' ? d : undefined;
  };
  const onSuccess = get('OnSuccess');
  const onFailure = get('OnFailure');
  let valid = true;
  for (const [arn, field] of [[onSuccess, 'onSuccess'], [onFailure, 'onFailure']] as const) {
    if (arn === undefined) continue;
    const problems = check(arn, RULES.destination, `destinationConfig.${field}.destination`);
    if (problems.length > 0) throw invalidInput(problems);
    const [, , service, , , ...rest] = arn.split(':');
    const resource = rest.join(':');
    if (service === 'lambda') {
      const target = /^function:([a-zA-Z0-9-_]+)/.exec(resource)?.[1];
      if (target === functionName) throw new InvalidParameterValueException("You can't specify the function as a destination for itself.");
      if (!target || !reg.entry(target)) throw new InvalidParameterValueException(`The destination ARN ${arn} is invalid.`);
    } else if (service === 'sqs' || service === 'sns') {
      // FIFO queues and topics cannot be destinations.
      if (resource.endsWith('.fifo')) valid = false;
    } else if (service === 's3') {
      if (field === 'onSuccess') valid = false;
    } else if (service !== 'events') {
      valid = false;
    }
  }
  if (!valid) {
    const s = onSuccess ? `OnSuccess(destination=${onSuccess})` : 'null';
    const f = onFailure ? `OnFailure(destination=${onFailure})` : 'null';
    throw new InvalidParameterValueException(`The provided destination config DestinationConfig(onSuccess=${s}, onFailure=${f}) is invalid.`);
  }
  return { onSuccess, onFailure };
}

export function registerEventInvokeConfigRoutes(app: FastifyInstance, registry: Registry): void {
  const path = '/2019-09-25/functions/:FunctionName/event-invoke-config';
  const arnOf = (t: Target): string => registry.arn(t.entry.name, t.qualifier ?? '$LATEST');
  const shape = (t: Target, c: Eic) => ({
    LastModified: c.lastModified ?? startedAt,
    FunctionArn: arnOf(t),
    ...(c.maximumRetryAttempts !== undefined ? { MaximumRetryAttempts: c.maximumRetryAttempts } : {}),
    ...(c.maximumEventAgeInSeconds !== undefined ? { MaximumEventAgeInSeconds: c.maximumEventAgeInSeconds } : {}),
    DestinationConfig: {
      OnSuccess: c.onSuccess ? { Destination: c.onSuccess } : {},
      OnFailure: c.onFailure ? { Destination: c.onFailure } : {},
    },
  });
  /**
   * The qualifier a request names. A function, version or alias that does not exist is "The function
   * doesn't exist." for Put, Update and List, and "...doesn't have an EventInvokeConfig" for Get and Delete.
   */
  const targetOf = (raw: string, q: string | undefined, missingFunction: 'doesnt-exist' | 'no-config'): Target => {
    const { name, qualifier } = registry.ref(raw, q, 'lambda:GetFunctionEventInvokeConfig');
    try {
      return registry.target(raw, q, 'lambda:GetFunctionEventInvokeConfig');
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err;
      throw missingFunction === 'doesnt-exist'
        ? new ResourceNotFoundException("The function doesn't exist.")
        : new ResourceNotFoundException(`The function ${registry.arn(name, qualifier ?? '$LATEST')} doesn't have an EventInvokeConfig`);
    }
  };
  const missing = (t: Target) => new ResourceNotFoundException(`The function ${arnOf(t)} doesn't have an EventInvokeConfig`);
  /** A Put/Update names at least one setting: checked before the function is looked up. */
  const requireSetting = (body: Body): void => {
    const given = (k: string) => body[k] !== undefined && body[k] !== null;
    if (!given('MaximumRetryAttempts') && !given('MaximumEventAgeInSeconds') && !given('DestinationConfig')) {
      throw new InvalidParameterValueException('You must specify at least one of error handling or destination setting.');
    }
  };
  /** The fields of a Put/Update body: only those present. */
  const fields = (t: Target, body: Body): Partial<Eic> => {
    const out: Partial<Eic> = {};
    const retries = intIn(body, 'MaximumRetryAttempts', 'maximumRetryAttempts', 0, 2);
    const age = intIn(body, 'MaximumEventAgeInSeconds', 'maximumEventAgeInSeconds', 60, 21_600);
    if (retries !== undefined) out.maximumRetryAttempts = retries;
    if (age !== undefined) out.maximumEventAgeInSeconds = age;
    if (body.DestinationConfig !== undefined && body.DestinationConfig !== null) Object.assign(out, checkDestinations(registry, t.entry.name, body.DestinationConfig));
    return out;
  };

  app.put<FnRoute>(path, async (request) => {
    const body = jsonBody(request.body);
    requireSetting(body);
    const t = targetOf(request.params.FunctionName, request.query.Qualifier, 'doesnt-exist');
    const config: Eic = { ...fields(t, body), lastModified: Math.floor(Date.now() / 1000) };
    registry.setEventInvokeConfig(t, config);
    return shape(t, config);
  });

  app.post<FnRoute>(path, async (request) => {
    const body = jsonBody(request.body);
    requireSetting(body);
    const t = targetOf(request.params.FunctionName, request.query.Qualifier, 'doesnt-exist');
    const current = registry.eventInvokeConfig(t);
    if (!current) throw missing(t);
    const changes = fields(t, body);
    const config: Eic = { ...current, ...changes, lastModified: Math.floor(Date.now() / 1000) };
    if (body.DestinationConfig !== undefined) {
      config.onSuccess = changes.onSuccess;
      config.onFailure = changes.onFailure;
    }
    registry.setEventInvokeConfig(t, config);
    return shape(t, config);
  });

  app.get<FnRoute>(path, async (request) => {
    const t = targetOf(request.params.FunctionName, request.query.Qualifier, 'no-config');
    const current = registry.eventInvokeConfig(t);
    if (!current) throw missing(t);
    return shape(t, current);
  });

  app.delete<FnRoute>(path, async (request, reply) => {
    const t = targetOf(request.params.FunctionName, request.query.Qualifier, 'no-config');
    if (!registry.eventInvokeConfig(t)) throw missing(t);
    registry.setEventInvokeConfig(t, undefined);
    return reply.code(204).send();
  });

  app.get<FnRoute>(`${path}/list`, async (request) => {
    const entry = targetOf(request.params.FunctionName, undefined, 'doesnt-exist').entry;
    const targets: Target[] = [
      { entry, qualifier: undefined, record: entry.latest },
      ...[...entry.versions.values()].map((record) => ({ entry, qualifier: record.fv.version, record })),
      ...[...entry.aliases.values()].map((alias) => ({ entry, qualifier: alias.name, record: entry.latest, alias })),
    ];
    const rows = targets.flatMap((t) => {
      const c = registry.eventInvokeConfig(t);
      return c ? [shape(t, c)] : [];
    });
    const { items, NextMarker } = page(rows, request.query);
    return { FunctionEventInvokeConfigs: items, ...(NextMarker ? { NextMarker } : {}) };
  });
}
