// The function URL configurations (template and management API alike), one per function and
// qualifier, with AWS's bookkeeping (creation and modification times, whether InvokeMode was given).
// Listeners follow it through `onChange`; the store itself owns no socket.
import type { CorsConfig, InvokeMode } from '../template/api-model.ts';
import { urlIdOf } from '../template/api-model.ts';

export interface FunctionUrlRecord {
  urlId: string;
  functionName: string;
  qualifier?: string;
  authType: 'NONE' | 'AWS_IAM';
  /** The Cors object as given (API shape, PascalCase), echoed by Get/List. */
  corsInput?: Record<string, unknown>;
  cors?: CorsConfig;
  invokeMode: InvokeMode;
  /** AWS echoes InvokeMode on Create/Update only once it was set explicitly. */
  invokeModeGiven: boolean;
  creationTime: string;
  lastModifiedTime: string;
}

export type UrlChange = { kind: 'added' | 'removed'; record: FunctionUrlRecord };

const keyOf = (name: string, qualifier?: string): string => `${name}:${qualifier ?? ''}`;

export class FunctionUrlStore {
  private readonly byKey = new Map<string, FunctionUrlRecord>();
  private readonly byId = new Map<string, FunctionUrlRecord>();
  private readonly listeners = new Set<(change: UrlChange) => void>();

  onChange(listener: (change: UrlChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(name: string, qualifier?: string): FunctionUrlRecord | undefined {
    return this.byKey.get(keyOf(name, qualifier));
  }

  byUrlId(urlId: string): FunctionUrlRecord | undefined {
    return this.byId.get(urlId);
  }

  /** Every configuration of a function (all qualifiers), oldest first. */
  ofFunction(name: string): FunctionUrlRecord[] {
    return [...this.byKey.values()].filter((r) => r.functionName === name);
  }

  all(): FunctionUrlRecord[] {
    return [...this.byKey.values()];
  }

  add(input: Omit<FunctionUrlRecord, 'urlId' | 'creationTime' | 'lastModifiedTime'>, now = new Date()): FunctionUrlRecord {
    const time = now.toISOString();
    const record: FunctionUrlRecord = { ...input, urlId: urlIdOf(input.functionName, input.qualifier), creationTime: time, lastModifiedTime: time };
    this.byKey.set(keyOf(record.functionName, record.qualifier), record);
    this.byId.set(record.urlId, record);
    this.emit({ kind: 'added', record });
    return record;
  }

  /** Replace fields of a configuration (its URL and id stay). */
  update(record: FunctionUrlRecord, changes: Partial<Pick<FunctionUrlRecord, 'authType' | 'corsInput' | 'cors' | 'invokeMode' | 'invokeModeGiven'>>, now = new Date()): FunctionUrlRecord {
    const next: FunctionUrlRecord = { ...record, ...changes, lastModifiedTime: now.toISOString() };
    this.byKey.set(keyOf(next.functionName, next.qualifier), next);
    this.byId.set(next.urlId, next);
    return next;
  }

  remove(record: FunctionUrlRecord): void {
    if (this.byKey.get(keyOf(record.functionName, record.qualifier)) !== record && this.byId.get(record.urlId)?.urlId !== record.urlId) return;
    this.byKey.delete(keyOf(record.functionName, record.qualifier));
    this.byId.delete(record.urlId);
    this.emit({ kind: 'removed', record });
  }

  private emit(change: UrlChange): void {
    for (const l of this.listeners) l(change);
  }
}
