// The functions the emulator serves ($LATEST, published versions, aliases) and the resolution of an
// invoked name/ARN + qualifier to the FunctionVersion that runs (an alias picks by its weights) and
// the ARN the runtime is told it was invoked as. Changes reach the environment pool through VersionRuntime,
// given at construction (the pool is built first).
import { randomUUID } from 'node:crypto';
import { matchesPattern, violation } from '../../lib/aws-validation.ts';
import { functionNotFound, invalidInput, ResourceConflictException } from '../errors.ts';
import { PATTERNS } from '../lambda-rules.ts';
import type { FunctionConfig, FunctionVersion } from '../model.ts';
import { pickVersion } from './aliases.ts';
import { type CodeFacts, CodeStore } from './code-store.ts';
import { type AliasRecord, type FunctionEntry, newRecord, type VersionRecord } from './function-entry.ts';
import { type FunctionRef, functionArn, type NameShape, parseFunctionRef, qualifierKind } from './function-ref.ts';

export interface AccountContext {
  region: string;
  accountId: string;
}

export interface Resolved {
  fn: FunctionVersion;
  /** As invoked: unqualified, or with the qualifier the caller gave. */
  invokedArn: string;
}

/** What the registry asks of the environments (the pool implements it). */
export interface VersionRuntime {
  /** A new configuration for this version ($LATEST after an update): old environments retire. */
  replaced(fn: FunctionVersion): void;
  /** The version is gone: its environments retire and provisioned ones are not replaced. */
  removed(fn: FunctionVersion): Promise<void>;
  /** A version was published (SnapStart takes its snapshot then). */
  published?(fn: FunctionVersion): void;
  /** Keep exactly `count` provisioned environments for the version (0: none). */
  provision(fn: FunctionVersion, count: number): Promise<void>;
}

/** A function and qualifier as a management operation names them. */
export interface Target {
  entry: FunctionEntry;
  qualifier: string | undefined;
  /** The record of $LATEST or of the version; for an alias, of its primary version. */
  record: VersionRecord;
  alias?: AliasRecord;
}

export interface RegistryDeps {
  /** The environments behind the functions; absent, changes reach no environment (unit tests). */
  runtime?: VersionRuntime;
  code?: CodeStore;
}

export class Registry {
  private readonly entries = new Map<string, FunctionEntry>();
  private readonly parsed = new Map<string, FunctionRef>();
  readonly ctx: AccountContext;
  readonly code: CodeStore;
  private readonly runtime: VersionRuntime | undefined;
  private readonly deletionListeners = new Set<(name: string, alias?: string) => void>();

  constructor(functions: FunctionConfig[], ctx: AccountContext, deps: RegistryDeps = {}) {
    this.ctx = ctx;
    this.code = deps.code ?? new CodeStore();
    this.runtime = deps.runtime;
    // The initial functions have no environments yet: nothing to tell the runtime.
    for (const config of functions) this.insert(config);
  }

  /** $LATEST of every function. */
  list(): FunctionVersion[] {
    return [...this.entries.values()].map((e) => e.latest.fv);
  }

  /** $LATEST of a function by name. */
  get(name: string): FunctionVersion | undefined {
    return this.entries.get(name)?.latest.fv;
  }

  entry(name: string): FunctionEntry | undefined {
    return this.entries.get(name);
  }

  /** The version as the registry has it now ($LATEST after an update), or undefined once deleted. */
  current(fn: FunctionVersion): FunctionVersion | undefined {
    const entry = this.entries.get(fn.config.name);
    return fn.version === '$LATEST' ? entry?.latest.fv : entry?.versions.get(fn.version)?.fv;
  }

  all(): FunctionEntry[] {
    return [...this.entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  arn(name: string, qualifier?: string): string {
    return functionArn(name, this.ctx, qualifier);
  }

  /**
   * Parse the FunctionName path parameter and ?Qualifier (successful parses are cached) against the
   * name shape the operation takes in the model.
   */
  ref(rawName: string, queryQualifier: string | undefined, action?: string, shape: NameShape = 'namespaced'): FunctionRef {
    const key = `${shape}\u0000${rawName}\u0000${queryQualifier ?? ''}`;
    let hit = this.parsed.get(key);
    if (!hit) {
      hit = parseFunctionRef(rawName, queryQualifier, { ...this.ctx, action }, shape);
      if (this.parsed.size >= 1000) this.parsed.clear();
      this.parsed.set(key, hit);
    }
    return hit;
  }

  /** Resolve the FunctionName path parameter and ?Qualifier for an invocation, or throw AWS's error. */
  resolve(rawName: string, queryQualifier: string | undefined): Resolved {
    const { name, qualifier } = this.ref(rawName, queryQualifier);
    const entry = this.entries.get(name);
    const notFound = () => functionNotFound(this.arn(name, qualifier ?? '$LATEST'));
    if (!entry) throw notFound();
    const base = entry.latest.fv.arn;
    switch (qualifierKind(qualifier)) {
      case 'latest':
        return { fn: entry.latest.fv, invokedArn: qualifier ? `${base}:${qualifier}` : base };
      case 'version': {
        const v = entry.versions.get(qualifier!);
        if (!v) throw notFound();
        return { fn: v.fv, invokedArn: `${base}:${qualifier}` };
      }
      default: {
        const alias = entry.aliases.get(qualifier!);
        if (!alias) throw notFound();
        const version = pickVersion(alias);
        const fn = version === '$LATEST' ? entry.latest.fv : entry.versions.get(version)?.fv;
        if (!fn) throw notFound();
        // Asynchronous invocations through an alias follow the alias's own EventInvokeConfig.
        const eic = alias.eventInvokeConfig;
        const own = eic === fn.config.eventInvokeConfig ? fn : { ...fn, config: { ...fn.config, eventInvokeConfig: eic } };
        return { fn: own, invokedArn: `${base}:${qualifier}` };
      }
    }
  }

  /**
   * The function and qualifier a management operation names. Throws AWS's not-found error for an
   * unknown function, version or alias: the ARN as named (qualified only when a qualifier was given).
   */
  target(rawName: string, queryQualifier: string | undefined, action = 'lambda:GetFunction'): Target {
    const { name, qualifier } = this.ref(rawName, queryQualifier, action);
    const entry = this.entries.get(name);
    const notFound = () => functionNotFound(this.arn(name, qualifier));
    if (!entry) throw notFound();
    switch (qualifierKind(qualifier)) {
      case 'latest':
        return { entry, qualifier, record: entry.latest };
      case 'version': {
        const record = entry.versions.get(qualifier!);
        if (!record) throw notFound();
        return { entry, qualifier, record };
      }
      default: {
        const alias = entry.aliases.get(qualifier!);
        const record = alias && (alias.functionVersion === '$LATEST' ? entry.latest : entry.versions.get(alias.functionVersion));
        if (!alias || !record) throw notFound();
        return { entry, qualifier, record, alias };
      }
    }
  }

  /** A function named without a qualifier (UpdateFunction*, PublishVersion, aliases...): its entry or 404. */
  function(rawName: string, action?: string, shape: NameShape = 'plain'): FunctionEntry {
    const { name, qualifier } = this.ref(rawName, undefined, action, shape);
    if (qualifier !== undefined) {
      throw invalidInput([violation(rawName, 'functionName', matchesPattern(PATTERNS.unqualifiedFunctionName))]);
    }
    const entry = this.entries.get(name);
    if (!entry) throw functionNotFound(this.arn(name));
    return entry;
  }

  /** Layers the API can name, ARN → folder (the template's layers). */
  readonly layers = new Map<string, string>();

  /** The ARN shown for a layer folder: the template's, else `local:<folder>`. */
  layerArn(dir: string): string {
    for (const [arn, d] of this.layers) if (d === dir) return arn;
    return `local:${dir}`;
  }

  /** Tell the environments that a version was published. */
  versionPublished(fn: FunctionVersion): void {
    this.runtime?.published?.(fn);
  }

  /** CodeSha256 and CodeSize of a version's code. */
  codeFacts(record: VersionRecord): CodeFacts {
    return record.code ?? this.code.facts(record.fv.config.codeDir);
  }

  /** CreateFunction: adds a function ($LATEST only); environments of a deleted namesake retire. */
  add(config: FunctionConfig, extra: Partial<VersionRecord> = {}, tags: Record<string, string> = {}): FunctionEntry {
    const entry = this.insert(config, extra, tags);
    this.runtime?.replaced(entry.latest.fv);
    return entry;
  }

  /** Adds a function ($LATEST only) without telling the runtime. */
  private insert(config: FunctionConfig, extra: Partial<VersionRecord> = {}, tags: Record<string, string> = {}): FunctionEntry {
    if (this.entries.has(config.name)) throw new ResourceConflictException(`Function already exist: ${config.name}`);
    const fv: FunctionVersion = { config, version: '$LATEST', arn: this.arn(config.name) };
    const entry: FunctionEntry = {
      name: config.name, latest: newRecord(fv, this.ctx.accountId, extra), versions: new Map(), lastVersion: 0,
      aliases: new Map(), provisioned: new Map(), tags,
    };
    this.entries.set(config.name, entry);
    return entry;
  }

  /**
   * Replaces $LATEST with a new configuration (UpdateFunctionCode / UpdateFunctionConfiguration):
   * a new FunctionVersion, so running environments keep theirs and retire after their invoke.
   */
  updateLatest(entry: FunctionEntry, config: FunctionConfig, extra: Partial<VersionRecord> = {}): VersionRecord {
    const old = entry.latest;
    const fv: FunctionVersion = { config, version: '$LATEST', arn: old.fv.arn };
    entry.latest = {
      ...old, code: undefined, ...extra, fv, revisionId: randomUUID(), internalRevision: old.internalRevision + 1, lastModified: new Date(),
    };
    this.runtime?.replaced(fv);
    return entry.latest;
  }

  /** TagResource / UntagResource: the function's whole tag set (a change of $LATEST's RevisionId, as on AWS). */
  setTags(entry: FunctionEntry, tags: Record<string, string>): void {
    entry.tags = tags;
    entry.latest.revisionId = randomUUID();
  }

  /**
   * A create, update or publish-while-pending has finished (at once here): as on AWS, the record gets a
   * new RevisionId when its function becomes Active or its update Successful.
   */
  settle(record: VersionRecord): void {
    record.revisionId = randomUUID();
  }

  /** Function-wide reserved concurrency: every version's configuration carries it. */
  setReservedConcurrency(entry: FunctionEntry, value: number | undefined): void {
    for (const r of [entry.latest, ...entry.versions.values()]) {
      if (value === undefined) delete r.fv.config.reservedConcurrency;
      else r.fv.config.reservedConcurrency = value;
    }
  }

  /** Provisioned environments each version needs: its own setting plus those of the aliases pointing at it. */
  async applyProvisioned(entry: FunctionEntry): Promise<void> {
    const counts = new Map<string, number>();
    for (const [qualifier, setting] of entry.provisioned) {
      const version = entry.aliases.get(qualifier)?.functionVersion ?? qualifier;
      counts.set(version, (counts.get(version) ?? 0) + setting.requested);
    }
    const records = [entry.latest, ...entry.versions.values()];
    await Promise.all(records.map((r) => this.runtime?.provision(r.fv, counts.get(r.fv.version) ?? 0)));
  }

  /** DeleteFunction with a numeric qualifier. */
  async deleteVersion(entry: FunctionEntry, version: string): Promise<void> {
    const record = entry.versions.get(version);
    if (!record) return;
    entry.versions.delete(version);
    entry.provisioned.delete(version);
    await this.runtime?.removed(record.fv);
  }

  /**
   * Calls `listener` when a function (no alias) or one of its aliases is deleted, so what hangs off it
   * (function URL configurations) goes too, as on AWS. Returns what removes the listener.
   */
  onDeleted(listener: (name: string, alias?: string) => void): () => void {
    this.deletionListeners.add(listener);
    return () => this.deletionListeners.delete(listener);
  }

  /** DeleteAlias's bookkeeping: the alias goes, with its provisioned concurrency. */
  removeAlias(entry: FunctionEntry, alias: string): void {
    if (!entry.aliases.delete(alias)) return;
    if (entry.provisioned.delete(alias)) void this.applyProvisioned(entry);
    for (const listener of this.deletionListeners) listener(entry.name, alias);
  }

  /** DeleteFunction: every version goes, with its environments and the code folders kept for it. */
  async deleteFunction(entry: FunctionEntry): Promise<void> {
    if (this.entries.get(entry.name) !== entry) return;
    this.entries.delete(entry.name);
    this.parsed.clear();
    for (const listener of this.deletionListeners) listener(entry.name);
    await Promise.all([entry.latest, ...entry.versions.values()].map((r) => this.runtime?.removed(r.fv)));
    if (!this.entries.has(entry.name)) this.code.removeFunction(entry.name);
  }

  /** The EventInvokeConfig slot of a qualifier ($LATEST, a version or an alias). */
  eventInvokeConfig(t: Target): FunctionConfig['eventInvokeConfig'] {
    return t.alias ? t.alias.eventInvokeConfig : t.record.fv.config.eventInvokeConfig;
  }

  setEventInvokeConfig(t: Target, value: FunctionConfig['eventInvokeConfig']): void {
    if (t.alias) t.alias.eventInvokeConfig = value;
    else if (value === undefined) delete t.record.fv.config.eventInvokeConfig;
    else t.record.fv.config.eventInvokeConfig = value;
  }
}
