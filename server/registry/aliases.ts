// Alias rules (reference §9): the name pattern, the version it points at, RoutingConfig's
// AdditionalVersionWeights (one extra numeric version, weight 0.0–1.0, never with $LATEST) with
// AWS's messages; and the weighted choice of the version an invocation runs.
import { check, lengthAtLeast, lengthAtMost, matchesPattern, NOT_NULL, ofKind, valueAtLeast, valueAtMost, violation, wholeViolation } from '../../lib/aws-validation.ts';
import { InvalidParameterValueException, invalidInput } from '../errors.ts';
import { PATTERNS, RULES } from '../lambda-rules.ts';
import type { AliasRecord } from './function-entry.ts';

const VERSION = { required: true, pattern: '(\\$LATEST|[0-9]+)', minLength: 1, maxLength: 1024 };

/** The alias name as CreateAlias/GetAlias accept it, or ValidationException. */
export function checkAliasName(name: unknown): string {
  const problems = check(name === '' ? undefined : name, RULES.aliasName, 'name');
  if (problems.length > 0) throw invalidInput(problems);
  return name as string;
}

/** FunctionVersion of CreateAlias/UpdateAlias: `$LATEST` or a number. */
export function checkAliasVersion(version: unknown): string {
  const problems = check(version === '' ? undefined : version, VERSION, 'functionVersion');
  if (problems.length > 0) throw invalidInput(problems);
  return version as string;
}

// The map's value and key constraints, as the framework words them for AdditionalVersionWeights.
const WEIGHT = `Map value must satisfy constraint: [${valueAtMost('1.0')}, ${valueAtLeast('0.0')}, ${NOT_NULL}]`;
const VERSION_KEY = `Map keys must satisfy constraint: [${lengthAtMost(1024)}, ${lengthAtLeast(1)}, ${matchesPattern(PATTERNS.additionalVersion)}]`;

/**
 * RoutingConfig → the additional version and its weight (undefined when there is none). `exists`
 * tells whether a numeric version exists (else the caller's not-found error is thrown by it).
 */
export function checkRoutingConfig(routing: unknown, primary: string, exists: (version: string) => void): AliasRecord['additional'] {
  if (routing === undefined || routing === null) return undefined;
  if (typeof routing !== 'object' || Array.isArray(routing)) {
    throw invalidInput([wholeViolation('routingConfig', ofKind('a structure'))]);
  }
  const weights = (routing as { AdditionalVersionWeights?: unknown }).AdditionalVersionWeights;
  if (weights === undefined || weights === null) return undefined;
  if (typeof weights !== 'object' || Array.isArray(weights)) {
    throw invalidInput([wholeViolation('routingConfig.additionalVersionWeights', ofKind('a map'))]);
  }
  const entries = Object.entries(weights as Record<string, unknown>);
  if (entries.length === 0) return undefined;
  // The framework's checks of the map (values as doubles, keys as versions) come before the service's.
  const asNumber = (raw: unknown): number => (typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN);
  const field = 'routingConfig.additionalVersionWeights';
  const shownMap = Object.fromEntries(entries.map(([k, v]) => [k, asNumber(v)]));
  const problems: string[] = [];
  if (entries.some(([, raw]) => !(asNumber(raw) >= 0 && asNumber(raw) <= 1))) problems.push(violation(shownMap, field, WEIGHT, { double: true }));
  if (entries.some(([k]) => !/^[0-9]+$/.test(k) || k.length > 1024)) problems.push(violation(shownMap, field, VERSION_KEY, { double: true }));
  if (problems.length > 0) throw invalidInput(problems);
  if (entries.length > 1) throw new InvalidParameterValueException('Number of items in AdditionalVersionWeights cannot be greater than 1');
  const [version, raw] = entries[0];
  const weight = asNumber(raw);
  if (version === primary) {
    throw new InvalidParameterValueException(`Invalid function version ${primary}. Function version ${primary} is already included in routing configuration.`);
  }
  // One of the few answers without a Type in its body.
  if (primary === '$LATEST') throw new InvalidParameterValueException('$LATEST is not supported for an alias pointing to more than 1 version', { untyped: true });
  exists(version);
  return { version, weight };
}

/** The version one invocation of the alias runs: the additional one with probability `weight`. */
export function pickVersion(alias: AliasRecord, random: () => number = Math.random): string {
  if (alias.additional && random() < alias.additional.weight) return alias.additional.version;
  return alias.functionVersion;
}

/** AliasConfiguration as the API returns it. */
export function aliasConfiguration(alias: AliasRecord, functionArn: string): Record<string, unknown> {
  return {
    AliasArn: `${functionArn}:${alias.name}`,
    Name: alias.name,
    FunctionVersion: alias.functionVersion,
    Description: alias.description,
    ...(alias.additional ? { RoutingConfig: { AdditionalVersionWeights: { [alias.additional.version]: alias.additional.weight } } } : {}),
    RevisionId: alias.revisionId,
  };
}
