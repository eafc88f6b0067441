// Function URLs a template declares: SAM's FunctionUrlConfig on a function (the alias under
// AutoPublishAlias, as SAM does) and AWS::Lambda::Url resources.
import type { LoadedTemplate, TemplateWarning } from '../model.ts';
import type { FunctionUrlDefinition } from './api-model.ts';
import { corsConfiguration, functionTarget } from './api-values.ts';
import { isRecord } from './node-path.ts';

const CORS_KEYS = new Set(['AllowOrigins', 'AllowMethods', 'AllowHeaders', 'ExposeHeaders', 'AllowCredentials', 'MaxAge']);

export function functionUrls(template: LoadedTemplate): { urls: FunctionUrlDefinition[]; warnings: TemplateWarning[] } {
  const urls: FunctionUrlDefinition[] = [];
  const warnings: TemplateWarning[] = [];
  const resources = template.resources ?? {};
  const read = (resource: string, origin: string, cfg: Record<string, unknown>, target: FunctionUrlDefinition['target']): void => {
    const warn = (message: string): void => void warnings.push({ resource, message });
    const authType = cfg.AuthType;
    if (authType !== 'NONE' && authType !== 'AWS_IAM') {
      warn(`${origin}: AuthType must be NONE or AWS_IAM (got ${JSON.stringify(authType)}); no URL`);
      return;
    }
    const mode = cfg.InvokeMode ?? 'BUFFERED';
    if (mode !== 'BUFFERED' && mode !== 'RESPONSE_STREAM') {
      warn(`${origin}: InvokeMode must be BUFFERED or RESPONSE_STREAM (got ${JSON.stringify(mode)}); no URL`);
      return;
    }
    if (isRecord(cfg.Cors)) {
      for (const key of Object.keys(cfg.Cors)) if (!CORS_KEYS.has(key)) warn(`${origin}: Cors.${key} is not a Cors property; ignored`);
    }
    const cors = corsConfiguration(cfg.Cors);
    urls.push({ target, authType, invokeMode: mode, origin, ...(cors ? { cors } : {}) });
  };
  for (const fn of template.functions) {
    const props = resources[fn.logicalId]?.Properties ?? {};
    if (!isRecord(props.FunctionUrlConfig)) continue;
    const alias = typeof props.AutoPublishAlias === 'string' ? props.AutoPublishAlias : undefined;
    read(fn.logicalId, 'FunctionUrlConfig', props.FunctionUrlConfig, alias ? { name: fn.name, qualifier: alias } : { name: fn.name });
  }
  for (const [id, res] of Object.entries(resources)) {
    if (res.Type !== 'AWS::Lambda::Url') continue;
    const target = functionTarget(res.Properties.TargetFunctionArn);
    if (!target) {
      warnings.push({ resource: id, message: `TargetFunctionArn ${JSON.stringify(res.Properties.TargetFunctionArn)} names no function; no URL` });
      continue;
    }
    const qualifier = typeof res.Properties.Qualifier === 'string' ? res.Properties.Qualifier : target.qualifier;
    read(id, id, res.Properties, qualifier ? { name: target.name, qualifier } : { name: target.name });
  }
  return { urls, warnings };
}
