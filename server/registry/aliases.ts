// Alias rules (reference §9): the name pattern, the version it points at, RoutingConfig's
// AdditionalVersionWeights (one extra numeric version, weight 0.0–1.0, never with $LATEST) with
// AWS's messages; and the weighted choice of the version an invocation runs.
import { InvalidParameterValueException, ValidationException } from '../errors.ts';
import type { AliasRecord } from './function-entry.ts';

export const ALIAS_NAME_PATTERN = '(?!^[0-9]+$)([a-zA-Z0-9-_]+)';
const ALIAS_NAME_RE = /^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/;
const VERSION_PATTERN = '(\\$LATEST|[0-9]+)';

/** The alias name as CreateAlias/GetAlias accept it, or ValidationException. */
export function checkAliasName(name: unknown): string {
  if (typeof name !== 'string' || name === '') {
    throw new ValidationException("1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
  }
  if (name.length > 128) {
    throw new ValidationException(`1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 128`);
  }
  if (!ALIAS_NAME_RE.test(name)) {
    throw new ValidationException(`1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ${ALIAS_NAME_PATTERN}`);
  }
  return name;
}

/** FunctionVersion of CreateAlias/UpdateAlias: `$LATEST` or a number. */
export function checkAliasVersion(version: unknown): string {
  if (typeof version !== 'string' || version === '') {
    throw new ValidationException("1 validation error detected: Value null at 'functionVersion' failed to satisfy constraint: Member must not be null");
  }
  if (!/^(\$LATEST|[0-9]+)$/.test(version) || version.length > 1024) {
    throw new ValidationException(`1 validation error detected: Value '${version}' at 'functionVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: ${VERSION_PATTERN}`);
  }
  return version;
}

/**
 * RoutingConfig → the additional version and its weight (undefined when there is none). `exists`
 * tells whether a numeric version exists (else the caller's not-found error is thrown by it).
 */
export function checkRoutingConfig(routing: unknown, primary: string, exists: (version: string) => void): AliasRecord['additional'] {
  if (routing === undefined || routing === null) return undefined;
  if (typeof routing !== 'object' || Array.isArray(routing)) {
    throw new ValidationException("1 validation error detected: Value at 'routingConfig' failed to satisfy constraint: Member must be a structure");
  }
  const weights = (routing as { AdditionalVersionWeights?: unknown }).AdditionalVersionWeights;
  if (weights === undefined || weights === null) return undefined;
  if (typeof weights !== 'object' || Array.isArray(weights)) {
    throw new ValidationException("1 validation error detected: Value at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Member must be a map");
  }
  const entries = Object.entries(weights as Record<string, unknown>);
  if (entries.length === 0) return undefined;
  if (entries.length > 1) throw new InvalidParameterValueException('Number of items in AdditionalVersionWeights cannot be greater than 1');
  const [version, raw] = entries[0];
  const weight = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(weight) || weight < 0 || weight > 1) {
    throw new ValidationException(
      `1 validation error detected: Value '{${version}=${String(raw)}}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: ` +
        'Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]',
    );
  }
  if (version === primary) {
    throw new InvalidParameterValueException(`Invalid function version ${primary}. Function version ${primary} is already included in routing configuration.`);
  }
  if (primary === '$LATEST') throw new InvalidParameterValueException('$LATEST is not supported for an alias pointing to more than 1 version');
  if (!/^[0-9]+$/.test(version)) {
    throw new ValidationException(
      `1 validation error detected: Value '{${version}=${weight}}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: ` +
        'Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+, Member must not be null]',
    );
  }
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
