// The event source mappings the emulator runs: created from the template or the management API,
// each with its state (Creating → Enabled/Disabled, Updating, Deleting) and, while enabled, a poller
// built by the factory registered for its source kind (SQS, Kinesis, DynamoDB streams).
import { randomUUID } from 'node:crypto';
import { EsmError } from './esm-error.ts';
import type { EsmConfig, Poller, PollerDeps, PollerFactory, PollerStatus, SourceKind } from './mapping.ts';
import { type EsmValidationContext, validateCreate, validateUpdate } from './validate.ts';

export type EsmState = 'Creating' | 'Enabling' | 'Enabled' | 'Disabling' | 'Disabled' | 'Updating' | 'Deleting';

export interface EsmRecord {
  config: EsmConfig;
  state: EsmState;
  /** Epoch seconds of the last change. */
  lastModified: number;
  /** `USER_INITIATED` (SQS) or `User action` (streams). */
  stateTransitionReason: string;
  /** Where it came from: a template logical id, or `api`. */
  origin: string;
  /** TagResource / CreateEventSourceMapping's Tags. */
  tags: Record<string, string>;
  poller?: Poller;
}

export class EsmManager {
  private readonly records = new Map<string, EsmRecord>();
  private readonly factories = new Map<SourceKind, PollerFactory>();
  private readonly ctx: EsmValidationContext;
  private readonly deps: PollerDeps;
  private closed = false;
  /** Pollers being stopped (deleted, disabled, restarted): close() waits for them too. */
  private readonly stopping = new Set<Promise<void>>();

  constructor(ctx: EsmValidationContext, deps: PollerDeps) {
    this.ctx = ctx;
    this.deps = deps;
  }

  /** Register the poller for a source kind; enabled mappings of that kind start now. */
  registerFactory(kind: SourceKind, factory: PollerFactory): void {
    this.factories.set(kind, factory);
    for (const r of this.records.values()) if (r.config.kind === kind) this.sync(r);
  }

  hasFactory(kind: SourceKind): boolean {
    return this.factories.has(kind);
  }

  /** Create a mapping; the answer is a snapshot in state `Creating` (AWS answers 202 with it). */
  async create(input: Record<string, unknown>, origin = 'api'): Promise<EsmRecord> {
    const cfg = await validateCreate(input, this.ctx);
    for (const other of this.records.values()) {
      if (other.config.eventSourceArn === cfg.eventSourceArn && other.config.functionArn === cfg.functionArn) {
        throw duplicate(cfg.kind, cfg.eventSourceArn, String(input.FunctionName), other.config.uuid);
      }
    }
    // Always ours: a UUID in the body (not an API field) would replace an existing mapping and orphan its poller.
    const uuid = randomUUID();
    const tags = input.Tags !== null && typeof input.Tags === 'object' && !Array.isArray(input.Tags) ? { ...(input.Tags as Record<string, string>) } : {};
    const record: EsmRecord = {
      // A mapping created disabled is Disabled at once; an enabled one is Creating until its poller runs.
      config: { ...cfg, uuid }, state: cfg.enabled ? 'Creating' : 'Disabled', lastModified: Date.now() / 1000,
      stateTransitionReason: cfg.kind === 'sqs' ? 'USER_INITIATED' : 'User action', origin, tags,
    };
    this.records.set(uuid, record);
    const snapshot = { ...record };
    queueMicrotask(() => this.sync(record));
    return snapshot;
  }

  get(uuid: string): EsmRecord {
    const r = this.records.get(uuid);
    if (!r) throw new EsmError('ResourceNotFoundException', 'The resource you requested does not exist.');
    return r;
  }

  /** A mapping's tags, or undefined when there is no such mapping. */
  tagsOf(uuid: string): Readonly<Record<string, string>> | undefined {
    return this.records.get(uuid)?.tags;
  }

  setTags(uuid: string, tags: Record<string, string>): void {
    const record = this.records.get(uuid);
    if (record) record.tags = { ...tags };
  }

  list(filter: { eventSourceArn?: string; functionArn?: (arn: string) => boolean } = {}): EsmRecord[] {
    return [...this.records.values()].filter((r) =>
      (filter.eventSourceArn === undefined || r.config.eventSourceArn === filter.eventSourceArn) &&
      (filter.functionArn === undefined || filter.functionArn(r.config.functionArn)));
  }

  async update(uuid: string, input: Record<string, unknown>): Promise<EsmRecord> {
    const record = this.get(uuid);
    if (record.state === 'Creating' || record.state === 'Updating' || record.state === 'Enabling' || record.state === 'Disabling' || record.state === 'Deleting') {
      throw new EsmError('ResourceInUseException', `Cannot update the event source mapping because it is in use.`);
    }
    const next = await validateUpdate(record.config, input, this.ctx);
    for (const other of this.records.values()) {
      if (other !== record && other.config.eventSourceArn === next.eventSourceArn && other.config.functionArn === next.functionArn) {
        throw duplicate(next.kind, next.eventSourceArn, String(input.FunctionName ?? next.functionArn), other.config.uuid);
      }
    }
    const restart = JSON.stringify({ ...record.config, enabled: true }) !== JSON.stringify({ ...next, enabled: true });
    const toggled = next.enabled !== record.config.enabled;
    record.config = next;
    record.lastModified = Date.now() / 1000;
    // AWS names the transition: Enabling or Disabling when the update turns the mapping on or off.
    record.state = toggled ? (next.enabled ? 'Enabling' : 'Disabling') : 'Updating';
    const snapshot = { ...record };
    void (async () => {
      if (restart) await this.stopPoller(record);
      this.sync(record);
    })();
    return snapshot;
  }

  async delete(uuid: string): Promise<EsmRecord> {
    const record = this.get(uuid);
    record.state = 'Deleting';
    this.records.delete(uuid);
    const snapshot = { ...record };
    void this.stopPoller(record);
    return snapshot;
  }

  status(record: EsmRecord): PollerStatus | undefined {
    return record.poller?.status();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.records.values()].map((r) => this.stopPoller(r)));
    await Promise.all([...this.stopping]);
  }

  /** Bring the poller in line with the configuration, and settle the state. */
  private sync(record: EsmRecord): void {
    if (this.closed || !this.records.has(record.config.uuid)) return;
    record.state = record.config.enabled ? 'Enabled' : 'Disabled';
    if (!record.config.enabled) {
      void this.stopPoller(record);
      return;
    }
    if (record.poller) return;
    const factory = this.factories.get(record.config.kind);
    if (!factory) return;
    try {
      record.poller = factory(record.config, this.deps);
    } catch (err) {
      this.deps.logger.error({ err, uuid: record.config.uuid }, 'event source mapping: the poller did not start');
    }
  }

  private async stopPoller(record: EsmRecord): Promise<void> {
    const poller = record.poller;
    record.poller = undefined;
    if (!poller) return;
    const stopped = (async () => {
      try {
        await poller.stop();
      } catch (err) {
        this.deps.logger.error({ err, uuid: record.config.uuid }, 'event source mapping: the poller did not stop cleanly');
      }
    })();
    this.stopping.add(stopped);
    await stopped;
    this.stopping.delete(stopped);
  }
}

function duplicate(kind: SourceKind, arn: string, fn: string, uuid: string): EsmError {
  const head = kind === 'sqs'
    ? `An event source mapping with SQS arn (" ${arn} ") and function (" ${fn} ") already exists.`
    : `The event source arn (" ${arn} ") and function (" ${fn} ") provided mapping already exists.`;
  return new EsmError('ResourceConflictException', `${head} Please update or delete the existing mapping with UUID ${uuid}`);
}
