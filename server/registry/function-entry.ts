// What the registry keeps per function: $LATEST and the published versions (each a FunctionVersion
// plus the facts the management API reports about it), aliases, and the per-qualifier settings
// (provisioned concurrency). Plain data and small helpers; the Registry owns the changes.
import { randomUUID } from 'node:crypto';
import type { FunctionConfig, FunctionVersion } from '../model.ts';
import type { CodeFacts } from './code-store.ts';

export interface VersionRecord {
  fv: FunctionVersion;
  /** Known for zip uploads and snapshots; computed (and cached) from the folder otherwise. */
  code?: CodeFacts;
  /** New UUID per change ($LATEST) or fixed (published versions). */
  revisionId: string;
  /** Bumped by every code or configuration change of $LATEST; copied into the versions published from it. */
  internalRevision: number;
  lastModified: Date;
  role: string;
  /** Layer ARNs as the caller gave them (the config holds their folders). */
  layerArns?: string[];
}

export interface AliasRecord {
  name: string;
  functionVersion: string;
  description: string;
  /** RoutingConfig.AdditionalVersionWeights: at most one extra version. */
  additional?: { version: string; weight: number };
  revisionId: string;
  /** PutFunctionEventInvokeConfig with this alias as qualifier. */
  eventInvokeConfig?: FunctionConfig['eventInvokeConfig'];
}

export interface ProvisionedSetting {
  requested: number;
  lastModified: Date;
}

export interface FunctionEntry {
  name: string;
  latest: VersionRecord;
  versions: Map<string, VersionRecord>;
  /** Highest version number ever published: numbers are never reused. */
  lastVersion: number;
  aliases: Map<string, AliasRecord>;
  /** ProvisionedConcurrencyConfig by qualifier (a version number or an alias name). */
  provisioned: Map<string, ProvisionedSetting>;
  tags: Record<string, string>;
}

export const defaultRole = (accountId: string): string => `arn:aws:iam::${accountId}:role/ephemera-local`;

export function newRecord(fv: FunctionVersion, accountId: string, extra: Partial<VersionRecord> = {}): VersionRecord {
  return { fv, revisionId: randomUUID(), internalRevision: 0, lastModified: new Date(), role: defaultRole(accountId), ...extra };
}

/** The numbered versions of an entry in publishing order. */
export function publishedVersions(entry: FunctionEntry): VersionRecord[] {
  return [...entry.versions.values()].sort((a, b) => Number(a.fv.version) - Number(b.fv.version));
}

/**
 * The configuration a published version keeps: everything of $LATEST except what belongs to the
 * qualifier ($LATEST's EventInvokeConfig) and with its code folder.
 */
export function versionConfig(latest: FunctionConfig, codeDir: string, description: string | undefined): FunctionConfig {
  const { eventInvokeConfig: _ownedByLatest, ...rest } = latest;
  return { ...rest, codeDir, description: description ?? latest.description };
}

/** Aliases whose primary or additional version is `version`. */
export function aliasesOf(entry: FunctionEntry, version: string): string[] {
  return [...entry.aliases.values()].filter((a) => a.functionVersion === version || a.additional?.version === version).map((a) => a.name);
}
