// The durable execution backend: owns every execution (in memory, and under --data-dir), starts them,
// closes them (succeeded, failed, timed out, stopped), keeps their timers, and answers the durable
// execution API. Invocations run through the invocation runner (execution-runner.ts).
import type { Logger } from 'pino';
import { type Clock, systemClock } from '../../lib/clock.ts';
import { InvalidParameterValueException, ResourceNotFoundException } from '../errors.ts';
import type { Resolved } from '../registry/registry.ts';
import { DurableExecutionAlreadyStartedException } from './durable-errors.ts';
import { DurableStore } from './durable-store.ts';
import { type ExecutionRecord, pushEvent, putOperation } from './execution-record.ts';
import { ExecutionRunner, type RunnerPorts } from './execution-runner.ts';
import { EXECUTION_NAME, executionArn, newExecutionId, parseExecutionArn } from './ids.ts';
import { fireTimers, nextDeadline, type Timer, timersOf } from './timers.ts';
import { DEFAULT_RETENTION_DAYS, type DurableConfig, type ErrorObject, type ExecutionStatus } from './wire.ts';

export interface DurableOptions {
  /** --time-scale: every durable duration (waits, retries, timeouts, retention) is multiplied by it. */
  timeScale: number;
  dataDir?: string;
  logger: Logger;
  clock?: Clock;
}

export interface StartRequest {
  resolved: Resolved;
  /** The qualifier as invoked: a version, an alias or $LATEST. */
  qualifier: string;
  payload: Buffer;
  name?: string;
  type: 'RequestResponse' | 'Event';
  traceId?: string;
  parent?: ExecutionRecord['parent'];
}

type Closing = { status: Exclude<ExecutionStatus, 'RUNNING'>; result?: string; error?: ErrorObject };

export class DurableExecutions {
  readonly clock: Clock;
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly store: DurableStore;
  private readonly timers = new Map<string, () => void>();
  private readonly waiters = new Map<string, Array<(rec: ExecutionRecord) => void>>();
  private readonly listeners: Array<(rec: ExecutionRecord) => void> = [];
  private readonly timeScale: number;
  private readonly logger: Logger;
  readonly runner: ExecutionRunner;
  private closed = false;

  constructor(ports: RunnerPorts, opts: DurableOptions) {
    this.clock = opts.clock ?? systemClock;
    this.timeScale = opts.timeScale;
    this.logger = opts.logger;
    this.store = new DurableStore(opts.dataDir);
    this.runner = new ExecutionRunner(this, ports, opts.logger);
    for (const rec of this.store.load()) this.records.set(rec.id, rec);
  }

  /** After a restart: arm every timer, and run again what an invocation left unfinished. */
  resume(): void {
    for (const rec of this.records.values()) {
      this.arm(rec);
      if (rec.status === 'RUNNING') this.runner.resume(rec);
    }
  }

  /** Milliseconds of emulator time for `seconds` of execution time (--time-scale). */
  ms(seconds: number): number {
    return seconds * 1000 * this.timeScale;
  }

  // ---- records ----

  all(): ExecutionRecord[] {
    return [...this.records.values()];
  }

  byId(id: string): ExecutionRecord | undefined {
    return this.records.get(id);
  }

  /** The execution an API call names by ARN, or AWS's 404. */
  byArn(arn: string): ExecutionRecord {
    const parts = parseExecutionArn(arn);
    const rec = parts ? this.records.get(parts.id) : undefined;
    if (!rec || rec.arn !== arn) throw new ResourceNotFoundException(`Durable execution not found: ${arn}`);
    return rec;
  }

  /** Persist a change and tell the watchers (web view). */
  save(rec: ExecutionRecord): void {
    this.store.save(rec);
    for (const l of this.listeners) l(rec);
  }

  onChange(listener: (rec: ExecutionRecord) => void): void {
    this.listeners.push(listener);
  }

  /** Settles when the execution closes (at once for a closed one). */
  whenClosed(rec: ExecutionRecord): Promise<ExecutionRecord> {
    if (rec.status !== 'RUNNING') return Promise.resolve(rec);
    return new Promise((resolve) => {
      const list = this.waiters.get(rec.id) ?? [];
      list.push(resolve);
      this.waiters.set(rec.id, list);
    });
  }

  // ---- lifecycle ----

  /** Start an execution (or return the one with the same name and payload), and its first invocation. */
  start(req: StartRequest, config: DurableConfig): { rec: ExecutionRecord; existing: boolean } {
    const fv = req.resolved.fn;
    const input = req.payload.toString('utf8');
    if (req.name !== undefined) {
      if (!EXECUTION_NAME.test(req.name)) {
        throw new InvalidParameterValueException(`DurableExecutionName must be 1 to 64 characters of [A-Za-z0-9_-]: ${req.name}`);
      }
      const same = this.all().find((r) => r.functionArn === fv.arn && r.name === req.name);
      if (same) {
        if (same.input !== input) {
          throw new DurableExecutionAlreadyStartedException(`Durable execution ${req.name} has already been started with a different payload: ${same.arn}`);
        }
        return { rec: same, existing: true };
      }
    }
    const id = newExecutionId();
    const name = req.name ?? id;
    const now = this.clock.now();
    const rec: ExecutionRecord = {
      id, arn: executionArn(fv.arn, req.qualifier, name, id), name, functionName: fv.config.name, functionArn: fv.arn,
      qualifier: req.qualifier, version: fv.version, invocationType: req.type, input, traceHeader: req.traceId,
      durableConfig: { ExecutionTimeout: config.ExecutionTimeout, RetentionPeriodInDays: config.RetentionPeriodInDays ?? DEFAULT_RETENTION_DAYS },
      status: 'RUNNING', startedAt: now, timeoutAt: now + this.ms(config.ExecutionTimeout),
      operations: {}, order: [], meta: {}, events: [], invocations: [],
      sequence: 0, changes: 0, seen: 0, failedInvocations: 0, updatedSinceInvocation: [], parent: req.parent,
    };
    const op = { Id: id, Type: 'EXECUTION' as const, Status: 'STARTED' as const, StartTimestamp: now, Name: name, ExecutionDetails: { InputPayload: input } };
    putOperation(rec, op);
    pushEvent(rec, 'ExecutionStarted', op, { Input: { Payload: input }, ExecutionTimeout: config.ExecutionTimeout }, now);
    this.records.set(id, rec);
    this.save(rec);
    this.arm(rec);
    this.runner.wake(rec);
    return { rec, existing: false };
  }

  /** Close a running execution: its EXECUTION operation, the history, the retention clock, the waiters. */
  close(rec: ExecutionRecord, how: Closing): void {
    if (rec.status !== 'RUNNING') return;
    const now = this.clock.now();
    rec.status = how.status;
    rec.endedAt = now;
    if (how.result !== undefined) rec.result = how.result;
    if (how.error !== undefined) rec.error = how.error;
    rec.expiresAt = now + this.ms(rec.durableConfig.RetentionPeriodInDays * 86_400);
    const op = { ...rec.operations[rec.id], Status: how.status, EndTimestamp: now };
    putOperation(rec, op);
    const type = ({ SUCCEEDED: 'ExecutionSucceeded', FAILED: 'ExecutionFailed', TIMED_OUT: 'ExecutionTimedOut', STOPPED: 'ExecutionStopped' } as const)[how.status];
    pushEvent(rec, type, op, how.status === 'SUCCEEDED' ? { Result: { Payload: how.result } } : { Error: { Payload: how.error ?? {} } }, now);
    this.save(rec);
    this.arm(rec);
    for (const resolve of this.waiters.get(rec.id) ?? []) resolve(rec);
    this.waiters.delete(rec.id);
    this.runner.closed(rec);
    this.logger.info({ execution: rec.arn, status: rec.status }, 'durable execution closed');
  }

  /** StopDurableExecution: STOPPED with the caller's error; a closed execution answers its end time. */
  stop(rec: ExecutionRecord, error: ErrorObject | undefined): number {
    this.close(rec, { status: 'STOPPED', error: error ?? { ErrorMessage: 'Execution stopped by user request' } });
    return rec.endedAt!;
  }

  // ---- timers ----

  /** (Re)arm the execution's one timer at its earliest deadline. */
  arm(rec: ExecutionRecord): void {
    this.timers.get(rec.id)?.();
    this.timers.delete(rec.id);
    const at = this.closed ? undefined : nextDeadline(rec);
    if (at !== undefined) this.timers.set(rec.id, this.clock.setTimeout(() => this.onTimer(rec.id), at - this.clock.now()));
  }

  private onTimer(id: string, force?: (t: Timer) => boolean): Timer[] {
    const rec = this.records.get(id);
    if (!rec) return [];
    const now = this.clock.now();
    const due = timersOf(rec).filter((t) => t.at <= now || force?.(t));
    const fired = fireTimers(rec, now, force);
    if (fired.expired) {
      this.timers.get(id)?.();
      this.timers.delete(id);
      this.records.delete(id);
      this.store.delete(id);
      return due;
    }
    if (fired.timedOut) {
      this.close(rec, { status: 'TIMED_OUT', error: { ErrorMessage: `Execution timed out after ${rec.durableConfig.ExecutionTimeout} seconds.` } });
      return due;
    }
    if (fired.changed.length > 0) {
      this.save(rec);
      this.runner.wake(rec);
    }
    this.arm(rec);
    return due;
  }

  /** The emulator's control: fire now the timers `pick` selects (deterministic tests). */
  fireNow(pick: (rec: ExecutionRecord, t: Timer) => boolean): Array<Timer & { executionArn: string }> {
    const out: Array<Timer & { executionArn: string }> = [];
    for (const rec of [...this.records.values()]) {
      if (!timersOf(rec).some((t) => pick(rec, t))) continue;
      for (const t of this.onTimer(rec.id, (t) => pick(rec, t))) out.push({ ...t, executionArn: rec.arn });
    }
    return out;
  }

  /** Stop timers and invocations (an invocation running now is left open in the record, resumed after a restart). */
  shutdown(): void {
    this.closed = true;
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    this.runner.stop();
  }
}
