// A template's versions and aliases, deployed into the registry at start-up as CloudFormation would:
// SAM AutoPublishAlias (version 1 + the alias; EventInvokeConfig and ProvisionedConcurrencyConfig go to
// the alias, as SAM puts them there), AWS::Lambda::Version and AWS::Lambda::Alias; the template's layers
// become nameable by ARN. republishAutoAliases is the dev loop's redeploy after a code change.
import { dirname, resolve } from 'node:path';
import { LambdaApiError } from '../errors.ts';
import type { LoadedTemplate, TemplateWarning } from '../model.ts';
import type { FunctionEntry } from './function-entry.ts';
import type { Registry } from './registry.ts';
import { createAlias, publishVersion, updateAlias } from './versioning.ts';

const LAYER_TYPES = new Set(['AWS::Serverless::LayerVersion', 'AWS::Lambda::LayerVersion']);

export function deployTemplateVersions(reg: Registry, template: LoadedTemplate): TemplateWarning[] {
  const warnings: TemplateWarning[] = [];
  const resources = Object.entries(template.resources ?? {});
  const warn = (resource: string, message: string, line?: number): void => {
    warnings.push({ resource, message, ...(line ? { line } : {}) });
  };
  const attempt = (resource: string, line: number | undefined, what: string, fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      if (!(err instanceof LambdaApiError)) throw err;
      warn(resource, `${what} not created: ${err.wireType}: ${err.message}`, line);
    }
  };
  const entryOf = (id: string, props: Record<string, unknown>, line?: number): FunctionEntry | undefined => {
    const given = typeof props.FunctionName === 'string' ? props.FunctionName : '';
    const name = /(?:^|:function:)([a-zA-Z0-9-_]+)(?::[^:]*)?$/.exec(given)?.[1];
    const entry = name ? reg.entry(name) : undefined;
    if (!entry) warn(id, `FunctionName ${JSON.stringify(props.FunctionName)} is not a function of this template; ignored`, line);
    return entry;
  };
  const templateDir = dirname(template.path);
  for (const [id, r] of resources) {
    if (!LAYER_TYPES.has(r.Type)) continue;
    const content = r.Properties.ContentUri ?? r.Properties.Content;
    const name = typeof r.Properties.LayerName === 'string' ? r.Properties.LayerName : id;
    if (typeof content !== 'string') continue;
    reg.layers.set(reg.arn(name).replace(':function:', ':layer:') + ':1', resolve(templateDir, content));
  }
  for (const config of template.functions) {
    const entry = reg.entry(config.name);
    if (!entry) continue;
    const alias = template.resources?.[config.logicalId]?.Properties.AutoPublishAlias;
    if (typeof alias !== 'string') {
      // Without an alias the template's provisioned concurrency stays on $LATEST (AWS would refuse it).
      if (config.provisionedConcurrency) entry.provisioned.set('$LATEST', { requested: config.provisionedConcurrency, lastModified: new Date() });
      continue;
    }
    const line = template.resources?.[config.logicalId]?.line;
    attempt(config.logicalId, line, `AutoPublishAlias ${alias}`, () => {
      const { record, warning } = publishVersion(reg, entry);
      if (warning) warn(config.logicalId, warning, line);
      const created = createAlias(reg, entry, { Name: alias, FunctionVersion: record.fv.version });
      // SAM attaches these to the alias, not to $LATEST.
      created.eventInvokeConfig = entry.latest.fv.config.eventInvokeConfig;
      delete entry.latest.fv.config.eventInvokeConfig;
      if (config.provisionedConcurrency) entry.provisioned.set(alias, { requested: config.provisionedConcurrency, lastModified: new Date() });
    });
  }
  for (const [id, r] of resources) {
    if (r.Type !== 'AWS::Lambda::Version') continue;
    const entry = entryOf(id, r.Properties, r.line);
    if (!entry) continue;
    attempt(id, r.line, 'version', () => {
      const description = typeof r.Properties.Description === 'string' ? r.Properties.Description : undefined;
      const { record, warning } = publishVersion(reg, entry, { description });
      if (warning) warn(id, warning, r.line);
      const pc = provisioned(r.Properties);
      if (pc) entry.provisioned.set(record.fv.version, { requested: pc, lastModified: new Date() });
    });
  }
  for (const [id, r] of resources) {
    if (r.Type !== 'AWS::Lambda::Alias') continue;
    const entry = entryOf(id, r.Properties, r.line);
    if (!entry) continue;
    attempt(id, r.line, 'alias', () => {
      // CloudFormation writes the weights as a list of {FunctionVersion, FunctionWeight}.
      const list = (r.Properties.RoutingConfig as { AdditionalVersionWeights?: unknown } | undefined)?.AdditionalVersionWeights;
      const weights = Array.isArray(list)
        ? Object.fromEntries(list.map((w: { FunctionVersion?: unknown; FunctionWeight?: unknown }) => [String(w.FunctionVersion), Number(w.FunctionWeight)]))
        : undefined;
      const alias = createAlias(reg, entry, {
        Name: r.Properties.Name, FunctionVersion: r.Properties.FunctionVersion, Description: r.Properties.Description,
        RoutingConfig: weights ? { AdditionalVersionWeights: weights } : undefined,
      });
      const pc = provisioned(r.Properties);
      if (pc) entry.provisioned.set(alias.name, { requested: pc, lastModified: new Date() });
    });
  }
  return warnings;
}

function provisioned(props: Record<string, unknown>): number | undefined {
  const n = Number((props.ProvisionedConcurrencyConfig as { ProvisionedConcurrentExecutions?: unknown } | undefined)?.ProvisionedConcurrentExecutions);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * After a code change (--watch): what `sam sync` does for a function with AutoPublishAlias — publish a
 * new version from $LATEST and move the alias to it. Returns the new version, or undefined.
 */
export function republishAutoAliases(reg: Registry, template: LoadedTemplate, functionName: string): string | undefined {
  const config = template.functions.find((f) => f.name === functionName);
  const alias = config && template.resources?.[config.logicalId]?.Properties.AutoPublishAlias;
  const entry = reg.entry(functionName);
  if (typeof alias !== 'string' || !entry?.aliases.has(alias)) return undefined;
  const { record, created } = publishVersion(reg, entry);
  if (!created) return undefined;
  updateAlias(reg, entry, alias, { FunctionVersion: record.fv.version });
  if (entry.provisioned.has(alias)) void reg.applyProvisioned(entry);
  return record.fv.version;
}
