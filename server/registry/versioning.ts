// PublishVersion (an immutable snapshot of $LATEST's code and configuration, numbers never reused,
// no new version when nothing changed, CodeSha256/RevisionId guards) and alias create/update/delete,
// on a Registry's function entries (reference §9).
import { randomUUID } from 'node:crypto';
import { functionNotFound, InvalidParameterValueException, ResourceConflictException, ResourceNotFoundException, revisionMismatch } from '../errors.ts';
import { checkAliasName, checkAliasVersion, checkRoutingConfig } from './aliases.ts';
import { type AliasRecord, type FunctionEntry, newRecord, type VersionRecord, versionConfig } from './function-entry.ts';
import type { Registry } from './registry.ts';

export interface PublishInput {
  description?: string;
  codeSha256?: string;
  revisionId?: string;
}

export interface Published {
  record: VersionRecord;
  /** False when nothing changed since the last version (that version is returned). */
  created: boolean;
  /** Set when the code could not be copied and the version runs the live folder. */
  warning?: string;
}

export function publishVersion(reg: Registry, entry: FunctionEntry, input: PublishInput = {}): Published {
  const latest = entry.latest;
  if (input.revisionId !== undefined && input.revisionId !== latest.revisionId) throw revisionMismatch();
  const code = reg.codeFacts(latest);
  if (input.codeSha256 !== undefined && input.codeSha256 !== code.sha256) {
    throw new InvalidParameterValueException(
      `CodeSHA256 (${input.codeSha256}) is different from current CodeSHA256 in $LATEST (${code.sha256}). Please try again with the CodeSHA256 in $LATEST.`,
    );
  }
  const last = entry.versions.get(String(entry.lastVersion));
  if (last && last.internalRevision === latest.internalRevision && last.code?.sha256 === code.sha256) {
    return { record: last, created: false };
  }
  const liveDir = latest.fv.config.codeDir;
  let dir = liveDir;
  let warning: string | undefined;
  if (!reg.code.manages(liveDir)) {
    const copy = reg.code.snapshot(entry.name, liveDir);
    if (copy) dir = copy.dir;
    else warning = `the code of ${entry.name} (${liveDir}) is too large to copy: its published versions run the live folder`;
  }
  const version = String(++entry.lastVersion);
  const config = versionConfig(latest.fv.config, dir, input.description);
  const record = newRecord({ config, version, arn: latest.fv.arn }, reg.ctx.accountId, {
    code, internalRevision: latest.internalRevision, lastModified: latest.lastModified, role: latest.role, layerArns: latest.layerArns,
  });
  entry.versions.set(version, record);
  reg.versionPublished(record.fv);
  // Publishing changes $LATEST's RevisionId on AWS too.
  latest.revisionId = randomUUID();
  return { record, created: true, warning };
}

export interface AliasInput {
  Name?: unknown;
  FunctionVersion?: unknown;
  Description?: unknown;
  RoutingConfig?: unknown;
  RevisionId?: unknown;
}

function versionExists(reg: Registry, entry: FunctionEntry): (version: string) => void {
  return (version) => {
    if (version !== '$LATEST' && !entry.versions.has(version)) throw functionNotFound(reg.arn(entry.name, version));
  };
}

function description(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new InvalidParameterValueException('Description must be a string');
  return v;
}

export function createAlias(reg: Registry, entry: FunctionEntry, input: AliasInput): AliasRecord {
  const name = checkAliasName(input.Name);
  const version = checkAliasVersion(input.FunctionVersion);
  versionExists(reg, entry)(version);
  if (entry.aliases.has(name)) throw new ResourceConflictException(`Alias already exists: ${reg.arn(entry.name, name)}`);
  const additional = checkRoutingConfig(input.RoutingConfig, version, versionExists(reg, entry));
  const alias: AliasRecord = { name, functionVersion: version, description: description(input.Description) ?? '', additional, revisionId: randomUUID() };
  entry.aliases.set(name, alias);
  return alias;
}

/** The alias, or AWS's not-found answer (GetAlias words it differently from UpdateAlias). */
export function getAlias(reg: Registry, entry: FunctionEntry, rawName: string, wording: 'cannot-find' | 'not-found' = 'not-found'): AliasRecord {
  const alias = entry.aliases.get(rawName);
  if (!alias) {
    const arn = reg.arn(entry.name, rawName);
    throw new ResourceNotFoundException(wording === 'cannot-find' ? `Cannot find alias arn: ${arn}` : `Alias not found: ${arn}`);
  }
  return alias;
}

/** UpdateAlias: changes only what is given; an empty RoutingConfig removes the weights. */
export function updateAlias(reg: Registry, entry: FunctionEntry, rawName: string, input: AliasInput): AliasRecord {
  const alias = getAlias(reg, entry, rawName);
  if (input.RevisionId !== undefined && input.RevisionId !== null && input.RevisionId !== alias.revisionId) throw revisionMismatch();
  const version = input.FunctionVersion === undefined || input.FunctionVersion === null ? alias.functionVersion : checkAliasVersion(input.FunctionVersion);
  versionExists(reg, entry)(version);
  const routing = input.RoutingConfig === undefined || input.RoutingConfig === null
    ? alias.additional && checkRoutingConfig({ AdditionalVersionWeights: { [alias.additional.version]: alias.additional.weight } }, version, versionExists(reg, entry))
    : checkRoutingConfig(input.RoutingConfig, version, versionExists(reg, entry));
  const updated: AliasRecord = {
    ...alias, functionVersion: version, description: description(input.Description) ?? alias.description, additional: routing, revisionId: randomUUID(),
  };
  entry.aliases.set(alias.name, updated);
  return updated;
}

/** DeleteAlias: its provisioned concurrency goes with it. Deleting an alias that does not exist succeeds. */
export async function deleteAlias(reg: Registry, entry: FunctionEntry, rawName: string): Promise<void> {
  reg.removeAlias(entry, rawName);
}
