// A function URL's `Cors` in the configuration API, validated against the service model's limits
// (ValidationException messages in AWS's words) and turned into the front door's CorsConfig.
import { lengthAtLeast, lengthAtMost, membersSatisfy, ofKind, valueAtLeast, valueAtMost, violation, wholeViolation } from '../../lib/aws-validation.ts';
import { type ValidationException, invalidInput } from '../errors.ts';
import type { CorsConfig } from '../template/api-model.ts';
import { corsConfiguration } from '../template/api-values.ts';

const invalid = (field: string, value: unknown, constraint: string): ValidationException => invalidInput([violation(value, `cors.${field}`, constraint)]);

const LISTS: Array<[string, string, number, number]> = [
  ['AllowHeaders', 'allowHeaders', 100, 1024], ['AllowMethods', 'allowMethods', 6, 6],
  ['AllowOrigins', 'allowOrigins', 100, 253], ['ExposeHeaders', 'exposeHeaders', 100, 1024],
];

export function corsInput(v: unknown): { input: Record<string, unknown>; config: CorsConfig } | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidInput([wholeViolation('cors', ofKind('a structure'))]);
  const input = v as Record<string, unknown>;
  for (const [key, field, maxItems, maxLength] of LISTS) {
    const list = input[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((s) => typeof s !== 'string')) throw invalid(field, list, ofKind('a list of strings'));
    if (list.length > maxItems) throw invalid(field, list, lengthAtMost(maxItems));
    const bad = (list as string[]).find((s) => s.length < 1 || s.length > maxLength);
    if (bad !== undefined) throw invalid(field, list, membersSatisfy([lengthAtMost(maxLength), lengthAtLeast(1)]));
  }
  if (input.MaxAge !== undefined && !(Number.isInteger(input.MaxAge) && (input.MaxAge as number) >= 0 && (input.MaxAge as number) <= 86400)) {
    throw invalid('maxAge', input.MaxAge, (input.MaxAge as number) < 0 ? valueAtLeast(0) : valueAtMost(86400));
  }
  if (input.AllowCredentials !== undefined && typeof input.AllowCredentials !== 'boolean') throw invalid('allowCredentials', input.AllowCredentials, ofKind('a boolean'));
  return { input, config: corsConfiguration(input)! };
}
