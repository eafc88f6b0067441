// Layers: AWS::Serverless::LayerVersion (ContentUri) and AWS::Lambda::LayerVersion (Content as a local
// path) → a local layer directory under its ARN; a function's `Layers` list → those directories, in order.

import { codeLocation } from './code-location.ts';
import type { Resolver } from './intrinsics.ts';
import type { NodePath } from './node-path.ts';
import { NO_VALUE } from './references.ts';
import type { WarningCollector } from './warnings.ts';

export const LAYER_TYPES: ReadonlySet<string> = new Set(['AWS::Serverless::LayerVersion', 'AWS::Lambda::LayerVersion']);

/** Lambda's limit on the layers of one function, and its message. */
export const MAX_LAYERS = 5;
const TOO_MANY = 'Cannot reference more than 5 layers.';

export interface LayerInfo {
  logicalId: string;
  /** `arn:aws:lambda:<region>:<account>:layer:<name>:1`, what `Ref` gives. */
  arn: string;
  /** Absolute directory of the layer's content; undefined when it cannot be used locally. */
  dir?: string;
}

/** Properties with no effect at run time, on AWS too (informational), or deploy-time only. */
const LAYER_PROPERTIES: Record<string, Record<string, 'used' | 'ignored'>> = {
  'AWS::Serverless::LayerVersion': {
    ContentUri: 'used', LayerName: 'used', Description: 'used', CompatibleRuntimes: 'used',
    CompatibleArchitectures: 'used', LicenseInfo: 'used', RetentionPolicy: 'ignored', PublishLambdaVersion: 'ignored',
  },
  'AWS::Lambda::LayerVersion': {
    Content: 'used', LayerName: 'used', Description: 'used', CompatibleRuntimes: 'used',
    CompatibleArchitectures: 'used', LicenseInfo: 'used',
  },
};

export interface LayerInput {
  logicalId: string;
  type: string;
  /** Properties with Globals.LayerVersion merged in, intrinsics not yet resolved. */
  properties: Record<string, unknown>;
  /** Where a top-level property is written: in the resource, or in Globals.LayerVersion. */
  origin(prop: string): NodePath;
}

export interface LayerContext {
  templateDir: string;
  resolver: Resolver;
  warnings: WarningCollector;
  fail(path: NodePath, message: string): never;
}

/** Resolves a layer resource: its ARN, its local directory (or a warning why there is none), its properties. */
export function buildLayer(input: LayerInput, ctx: LayerContext): { layer: LayerInfo; properties: Record<string, unknown> } {
  const { logicalId: id, type, properties, origin } = input;
  const resourcePath = ['Resources', id];
  const props: Record<string, unknown> = {};
  for (const [prop, v] of Object.entries(properties)) {
    const r = ctx.resolver.resolve(v, { resource: id, path: origin(prop) });
    if (r !== NO_VALUE) props[prop] = r;
  }
  const table = LAYER_PROPERTIES[type] ?? {};
  for (const prop of Object.keys(properties)) {
    const use = Object.hasOwn(table, prop) ? table[prop] : undefined;
    if (use === 'ignored') ctx.warnings.add(id, origin(prop), 'ignored locally');
    else if (use === undefined) ctx.warnings.add(id, origin(prop), `not a property of ${type} known to ephemera; ignored`);
  }
  const arnRef = ctx.resolver.refs.ref(id);
  const arn = arnRef.ok ? String(arnRef.value) : id;
  const layer: LayerInfo = { logicalId: id, arn };

  const contentProp = type === 'AWS::Serverless::LayerVersion' ? 'ContentUri' : 'Content';
  const content = props[contentProp];
  const fail = (message: string): never =>
    ctx.fail(Object.hasOwn(properties, contentProp) ? origin(contentProp) : resourcePath, message);
  if (content === undefined) fail(`${contentProp} is required`);
  const where = codeLocation(contentProp, content, ctx.templateDir, fail);
  if ('skip' in where) {
    ctx.warnings.add(id, origin(contentProp), `layer cannot be used locally: ${where.skip}`);
  } else {
    layer.dir = where.dir;
  }
  return { layer, properties: props };
}

export interface FunctionLayersContext {
  resource: string;
  /** Path of the Layers property (in the function, or in Globals.Function). */
  path: NodePath;
  /** The template's layers by ARN. */
  layers: ReadonlyMap<string, LayerInfo>;
  warnings: WarningCollector;
  fail(path: NodePath, message: string): never;
}

/**
 * A function's resolved `Layers` → the layer directories, in the list's order (later ones win at /opt).
 * ARNs that are not layers of this template, and layers without local content, are skipped with a warning.
 */
export function functionLayers(value: unknown, ctx: FunctionLayersContext): string[] {
  if (!Array.isArray(value)) return ctx.fail(ctx.path, `Layers must be a list of layer version ARNs; got ${JSON.stringify(value)}`);
  if (value.length > MAX_LAYERS) ctx.fail(ctx.path, TOO_MANY);
  const dirs: string[] = [];
  const seen = new Set<string>();
  for (const item of value) {
    if (typeof item !== 'string') ctx.fail(ctx.path, `Layers must be a list of layer version ARNs; got ${JSON.stringify(item)}`);
    const arn = item as string;
    const layer = ctx.layers.get(arn);
    if (!layer) {
      ctx.warnings.add(ctx.resource, ctx.path, `layer ${arn} is not a layer of this template; skipped (only local layers can be used)`);
      continue;
    }
    if (seen.has(arn)) {
      ctx.warnings.add(ctx.resource, ctx.path, `layer ${arn} is listed more than once; only its first place counts`);
      continue;
    }
    seen.add(arn);
    if (layer.dir === undefined) {
      ctx.warnings.add(ctx.resource, ctx.path, `layer ${arn} (${layer.logicalId}) has no local content; skipped`);
      continue;
    }
    dirs.push(layer.dir);
  }
  return dirs;
}
