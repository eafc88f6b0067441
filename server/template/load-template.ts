// Entry point of template loading: reads a SAM/CloudFormation template (YAML or JSON), resolves
// parameters, conditions and intrinsics, and returns functions, stored resources and warnings.

import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import type { FunctionConfig, LoadedTemplate, TemplateResource } from '../model.ts';
import { buildFunction } from './functions.ts';
import { buildWarnings, functionBuild } from '../build/bundle-plan.ts';
import { GLOBAL_SECTIONS, withGlobals } from './globals.ts';
import { Resolver } from './intrinsics.ts';
import { buildLayer, LAYER_TYPES, type LayerInfo } from './layers.ts';
import { checkStreamResource, STREAM_TYPES } from './stream-resources.ts';
import { isRecord, type NodePath, showPath } from './node-path.ts';
import { parameterValues } from './parameters.ts';
import { parseTemplateSource } from './parse-source.ts';
import type { RawResource } from './references.ts';
import { TemplateError } from './template-error.ts';
import { WarningCollector } from './warnings.ts';
import { API_RESOURCE_TYPES } from './api-resource-types.ts';
import { EVENT_RESOURCE_TYPES } from './event-rules.ts';

export { TemplateError } from './template-error.ts';
export { formatWarnings } from './warnings.ts';

export interface LoadTemplateOptions {
  region: string;
  accountId: string;
  /** Serve the template's queue URLs (`!Ref Queue`, `QueueUrl`) from here instead of AWS's host. */
  queueUrlBase?: string;
  parameterOverrides?: Record<string, string>;
}

const FUNCTION_TYPES = new Set(['AWS::Serverless::Function', 'AWS::Lambda::Function']);
/** Resource types a coming feature will use: stored (resolved) and warned about as not yet supported. */
const LATER_TYPES = new Set<string>([]);
/** Resource types consumed after loading (stored resolved, no warning): move a type here once it is supported. */
const STORED_TYPES = new Set([
  'AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::SNS::Subscription', 'AWS::SNS::TopicPolicy', 'AWS::Lambda::EventSourceMapping', 'AWS::Lambda::Version', 'AWS::Lambda::Alias', 'AWS::Lambda::Url',
  ...API_RESOURCE_TYPES, ...EVENT_RESOURCE_TYPES,
]);
const SECTIONS = new Set([
  'AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Rules', 'Mappings', 'Conditions',
  'Transform', 'Resources', 'Outputs', 'Globals',
]);
const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31';

export function loadTemplate(file: string, opts: LoadTemplateOptions): LoadedTemplate {
  const absPath = resolvePath(file);
  let text: string;
  try {
    text = readFileSync(absPath, 'utf8');
  } catch (err) {
    throw new TemplateError(file, `cannot read the template: ${(err as Error).message}`);
  }
  const { value: root, positions, warnings: parserWarnings } = parseTemplateSource(file, text);
  const fail = (path: NodePath, message: string): never => {
    const shown = showPath(path);
    throw new TemplateError(file, shown === '' ? message : `${shown}: ${message}`, positions.near(path));
  };
  const warnings = new WarningCollector(positions);
  for (const w of parserWarnings) warnings.add('', undefined, w);

  if (!isRecord(root)) fail([], 'a template must be a mapping (YAML) or an object (JSON) at the top level');
  const t = root as Record<string, unknown>;
  for (const key of Object.keys(t)) {
    if (!SECTIONS.has(key)) warnings.add('', [key], 'not a template section; ignored');
  }
  const transforms = t.Transform === undefined ? [] : Array.isArray(t.Transform) ? t.Transform : [t.Transform];
  for (const tr of transforms) {
    if (tr !== SAM_TRANSFORM) warnings.add('', ['Transform'], `transform ${JSON.stringify(tr)} is not applied locally`);
  }
  if (t.Resources === undefined || t.Resources === null) fail([], 'the template has no Resources section');
  if (!isRecord(t.Resources)) fail(['Resources'], 'Resources must be a mapping of logical ids to resources');
  const declared = t.Resources as Record<string, unknown>;
  if (Object.keys(declared).length === 0) fail(['Resources'], 'Resources is empty');

  const raw: Record<string, RawResource & { Condition?: unknown }> = {};
  for (const [id, res] of Object.entries(declared)) {
    const path = ['Resources', id];
    if (!isRecord(res)) fail(path, 'a resource must be a mapping with Type and Properties');
    const r = res as Record<string, unknown>;
    if (typeof r.Type !== 'string' || r.Type === '') fail(path, 'the resource has no Type');
    const props = r.Properties ?? {};
    if (!isRecord(props)) fail([...path, 'Properties'], 'Properties must be a mapping');
    raw[id] = { Type: r.Type as string, Properties: props as Record<string, unknown>, Condition: r.Condition };
  }

  const globals = readGlobals(t.Globals, warnings, fail);
  const resolver = new Resolver({
    region: opts.region,
    accountId: opts.accountId,
    parameters: parameterValues(t.Parameters, opts.parameterOverrides ?? {}, { warnings, fail }),
    mappings: isRecord(t.Mappings) ? t.Mappings : {},
    conditions: isRecord(t.Conditions) ? t.Conditions : {},
    resources: raw,
    queueUrlBase: opts.queueUrlBase,
    warn: (site, message) => warnings.add(site.resource, site.path, message),
    fail,
  });

  const functions: FunctionConfig[] = [];
  const resources: Record<string, TemplateResource> = {};
  const byName = new Map<string, string>();
  const included = Object.entries(raw).filter(([id, res]) => {
    if (res.Condition === undefined) return true;
    const path = ['Resources', id, 'Condition'];
    const on = resolver.condition(String(res.Condition), { resource: id, path });
    if (on === undefined) warnings.add(id, path, `condition ${String(res.Condition)} cannot be evaluated locally; resource included`);
    return on !== false;
  });
  const prepare = (id: string, res: RawResource) => {
    const path = ['Resources', id];
    const section = Object.entries(GLOBAL_SECTIONS).find(([, s]) => s.type === res.Type)?.[0];
    const global = section ? (globals[section] ?? {}) : {};
    const origin = (prop: string): NodePath =>
      Object.hasOwn(res.Properties, prop) ? [...path, 'Properties', prop] : ['Globals', section ?? '', prop];
    const line = positions.near(path)?.line;
    return { path, merged: withGlobals(global, res.Properties), origin, lineOf: line ? { line } : {} };
  };

  // Layers first: functions may use layers declared after them.
  const layers = new Map<string, LayerInfo>();
  for (const [id, res] of included) {
    if (!LAYER_TYPES.has(res.Type)) continue;
    const { path, merged, origin, lineOf } = prepare(id, res);
    const built = buildLayer({ logicalId: id, type: res.Type, properties: merged, origin }, { templateDir: dirname(absPath), resolver, warnings, fail });
    resources[id] = { Type: res.Type, Properties: built.properties, ...lineOf };
    const other = layers.get(built.layer.arn);
    if (other) warnings.add(id, path, `layer ${built.layer.arn} is also declared by ${other.logicalId}; functions get this one`);
    layers.set(built.layer.arn, built.layer);
  }

  for (const [id, res] of included) {
    if (LAYER_TYPES.has(res.Type)) continue;
    const { path, merged, origin, lineOf } = prepare(id, res);
    if (FUNCTION_TYPES.has(res.Type)) {
      const built = buildFunction(
        { logicalId: id, type: res.Type, properties: merged, origin },
        { templateDir: dirname(absPath), resolver, warnings, fail, layers },
      );
      resources[id] = { Type: res.Type, Properties: built.properties, ...lineOf };
      if (!built.config) continue;
      const other = byName.get(built.config.name);
      if (other !== undefined) {
        fail(Object.hasOwn(res.Properties, 'FunctionName') ? origin('FunctionName') : path,
          `function name '${built.config.name}' is already used by resource ${other}`);
      }
      byName.set(built.config.name, id);
      const build = functionBuild((declared[id] as Record<string, unknown>).Metadata);
      if (build) built.config.build = build;
      for (const problem of buildWarnings(build)) warnings.add(id, [...path, 'Metadata'], problem);
      functions.push(built.config);
    } else if (STREAM_TYPES.has(res.Type)) {
      const propsPath = [...path, 'Properties'];
      const props = resolver.resolve(merged, { resource: id, path: propsPath }) as Record<string, unknown>;
      checkStreamResource(res.Type, props, propsPath, { fail, warn: (p, message) => warnings.add(id, p, message) });
      resources[id] = { Type: res.Type, Properties: props, ...lineOf };
    } else if (STORED_TYPES.has(res.Type)) {
      const props = resolver.resolve(merged, { resource: id, path: [...path, 'Properties'] }) as Record<string, unknown>;
      resources[id] = { Type: res.Type, Properties: props, ...lineOf };
    } else if (LATER_TYPES.has(res.Type)) {
      const props = resolver.resolve(merged, { resource: id, path: [...path, 'Properties'] }) as Record<string, unknown>;
      resources[id] = { Type: res.Type, Properties: props, ...lineOf };
      warnings.add(id, path, `${res.Type} is not yet supported by ephemera (ignored for now)`);
    } else {
      warnings.add(id, path, `${res.Type} is not supported locally (ignored)`);
    }
  }
  // Globals.Api / Globals.HttpApi also apply to SAM's implicit APIs (template/apis.ts).
  const apiGlobals: Record<string, Record<string, unknown>> = {};
  for (const section of ['Api', 'HttpApi']) {
    if (globals[section]) apiGlobals[section] = resolver.resolve(globals[section], { resource: '', path: ['Globals', section] }) as Record<string, unknown>;
  }
  return { path: absPath, functions, warnings: warnings.list, resources, apiGlobals };
}

/** Globals sections ephemera merges (Function, LayerVersion), with SAM's allowed properties only. */
function readGlobals(
  value: unknown,
  warnings: WarningCollector,
  fail: (path: NodePath, message: string) => never,
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  if (value === undefined || value === null) return out;
  if (!isRecord(value)) fail(['Globals'], 'Globals must be a mapping');
  for (const [section, props] of Object.entries(value as Record<string, unknown>)) {
    const path = ['Globals', section];
    const known = GLOBAL_SECTIONS[section];
    if (!known) {
      warnings.add('', path, 'ignored locally (ephemera applies Globals.Function, LayerVersion, Api and HttpApi only)');
      continue;
    }
    if (!isRecord(props)) fail(path, `Globals.${section} must be a mapping`);
    out[section] = {};
    for (const [key, v] of Object.entries(props as Record<string, unknown>)) {
      if (known.properties.has(key)) out[section][key] = v;
      else warnings.add('', [...path, key], `SAM does not accept this property in Globals.${section}; ignored`);
    }
  }
  return out;
}
