// Synchronous invocation: lease → ensure INIT → invoke → answer. A cold lease runs INIT first (and again
// inside the invoke when it fails, as Lambda does); the caller is answered as soon as the runtime answers;
// the environment's report is recorded once the environment has gone back to the pool, off the next
// invoke's critical path.
import { randomUUID } from 'node:crypto';
import type { InitFailure, InvokeOutcome } from '../environment/environment-types.ts';
import { LogBuffer, type OutputSink } from '../environment/function-log.ts';
import { platformPayload } from '../environment/platform-errors.ts';
import { TooManyRequestsException } from '../errors.ts';
import type { InvocationHistory } from '../events/invocation-history.ts';
import type { Metrics } from '../metrics.ts';
import type { FunctionVersion, InvokeResult, LeakMode, ResponseBody, StreamedResult } from '../model.ts';
import type { EnvironmentPool } from '../pool/environment-pool.ts';
import type { Lease } from '../pool/lease.ts';
import { bufferedOutcome } from './buffered-stream.ts';
import { SnapshotFailure } from '../pool/snapshot-store.ts';
import { snapStartApplies } from '../environment/snap-start.ts';
import { type InvocationFacts, InvocationRecorder } from './invocation-recorder.ts';
import { SnapStartException, SnapStartTimeoutException } from './snapstart-errors.ts';

/** SnapStart's Restore phase (the after-restore hooks included) must finish within 10 seconds. */
const RESTORE_LIMIT_MS = 10_000;

export interface InvokeRequest {
  fn: FunctionVersion;
  /** Asynchronous events keep one request id across attempts; a new one otherwise. */
  requestId?: string;
  /** The ARN as invoked (unqualified, or with its qualifier). */
  invokedArn: string;
  payload: Buffer;
  tail: boolean;
  clientContext?: string;
  traceId?: string;
  /** The caller reads a streamed response as it comes (InvokeWithResponseStream, RESPONSE_STREAM URLs). */
  stream?: boolean;
}

export interface InvocationServiceOptions {
  initLimitMs: number;
  leakMode: LeakMode;
  metrics: Metrics;
  /** Where START/END/LEAK/REPORT are relayed (the environments' output). */
  output: OutputSink;
  history?: InvocationHistory;
}

/** What runs a function synchronously: the invocation service, or a door in front of it (durable functions). */
export type SyncInvoker = Pick<InvocationService, 'invoke'>;

export class InvocationService {
  private readonly pool: EnvironmentPool;
  private readonly initLimitMs: number;
  private readonly leakMode: LeakMode;
  private readonly metrics: Metrics;
  private readonly recorder: InvocationRecorder;

  constructor(pool: EnvironmentPool, opts: InvocationServiceOptions) {
    this.pool = pool;
    this.initLimitMs = opts.initLimitMs;
    this.leakMode = opts.leakMode;
    this.metrics = opts.metrics;
    this.recorder = new InvocationRecorder(opts.output, opts.metrics, opts.history);
  }

  async invoke(req: InvokeRequest): Promise<InvokeResult> {
    const facts: InvocationFacts = { requestId: req.requestId ?? randomUUID(), fn: req.fn, log: new LogBuffer(), startedAt: Date.now(), cold: false };
    const counters = this.metrics.of(req.fn.config.name);
    counters.invocations++;
    let lease: Lease;
    try {
      lease = await this.pool.acquire(req.fn);
    } catch (err) {
      if (err instanceof TooManyRequestsException) counters.throttles++;
      throw err;
    }
    try {
      if (lease.cold) {
        counters.coldStarts++;
        facts.cold = true;
        const failure = await this.ensureInit(lease, facts);
        if (failure) {
          this.recorder.finish(facts, lease.env.initFailureReport(facts.requestId, failure));
          return this.answer(req, facts, lease, { payload: failure.payload, functionError: 'Unhandled', errorType: failure.errorType });
        }
      } else {
        this.recorder.start(facts, lease.env.id);
      }
      const { response, report } = lease.invoke({
        requestId: facts.requestId, payload: req.payload, invokedFunctionArn: req.invokedArn, timeoutMs: req.fn.config.timeout * 1000,
        traceId: req.traceId, clientContext: req.clientContext, log: facts.log,
      });
      // The lease has ended when the report settles; recording waits one more turn of the event loop, so
      // that an invoke waiting for this environment runs first. The report holds what it records. Only a
      // caller that waits for the record (a log tail, --leaks error, a stream's end) gets a promise of it.
      const waits = req.tail || req.stream || this.leakMode === 'error';
      const recorded = waits ? report.then((r) => nextTurn(() => this.recorder.finish(facts, r))) : undefined;
      if (!recorded) void report.then((r) => setImmediate(() => this.recorder.finish(facts, r)));
      let outcome = await response;
      // A stream is handed to a caller that reads it as it comes (its end, report and log tail follow its
      // reading); any other caller gets it buffered.
      if (outcome.stream && req.stream) return { ...this.answer(req, facts, lease, outcome), stream: streamedResult(outcome.stream, recorded!, req.tail ? facts.log : undefined) };
      if (outcome.stream) outcome = await bufferedOutcome(outcome.stream);
      if (outcome.functionError) counters.errors++;
      if (outcome.errorType === 'Sandbox.Timedout') counters.timeouts++;
      // --leaks error: the answer waits for the leak report, and a leak fails the invocation.
      const leaks = recorded && (req.tail || this.leakMode === 'error') ? await recorded : [];
      if (this.leakMode === 'error' && leaks.length > 0 && !outcome.functionError) {
        const summary = leaks.map((l) => `${l.kind}${l.createdAt ? ` at ${l.createdAt}` : ''}`).join(', ');
        return this.answer(req, facts, lease, {
          functionError: 'Unhandled', errorType: 'Ephemera.LeakDetected',
          payload: platformPayload('Ephemera.LeakDetected', `RequestId: ${facts.requestId} Error: the invocation left work running (--leaks error): ${summary}`),
        });
      }
      return this.answer(req, facts, lease, outcome);
    } finally {
      // The one release point: ends the lease now, or with its invocation if that is still running.
      lease.release();
    }
  }

  /**
   * INIT for a cold lease; START follows the first attempt. When that fails, Lambda runs INIT again in a
   * new environment inside the invoke, under the function's timeout (suppressed init), as it does at once
   * after a reset. Returns the failure when the attempt inside the invoke fails.
   */
  private async ensureInit(lease: Lease, facts: InvocationFacts): Promise<InitFailure | undefined> {
    if (snapStartApplies(facts.fn.config, facts.fn.version)) return this.restore(lease, facts);
    const inInvoke = { type: 'on-demand', phase: 'invoke', limitMs: facts.fn.config.timeout * 1000, log: facts.log, requestId: facts.requestId } as const;
    if (lease.env.afterReset) {
      // The last invoke timed out or crashed (a reset): INIT runs inside this one at once.
      facts.log.startInvokePhase();
      this.recorder.start(facts, lease.env.id);
      const r = await lease.env.init(inInvoke);
      facts.initDurationMs = r.durationMs;
      return r.ok ? undefined : r;
    }
    const first = await lease.env.init({ type: 'on-demand', phase: 'init', limitMs: this.initLimitMs, log: facts.log });
    facts.initDurationMs = first.durationMs;
    facts.log.startInvokePhase();
    this.recorder.start(facts, lease.env.id);
    if (first.ok) return undefined;
    await lease.renew('init failed; retrying inside the invoke');
    const again = await lease.env.init(inInvoke);
    facts.initDurationMs = again.durationMs;
    return again.ok ? undefined : again;
  }

  /**
   * SnapStart: a published version's new environment is restored from its snapshot (taken at publish;
   * awaited if still being taken). A failed snapshot INIT answers like a failed INIT; a failed Restore
   * is an API error (SnapStartException, SnapStartTimeoutException), as on AWS.
   */
  private async restore(lease: Lease, facts: InvocationFacts): Promise<InitFailure | undefined> {
    let source;
    try {
      source = await this.pool.snapshots.take(facts.fn);
    } catch (err) {
      if (!(err instanceof SnapshotFailure)) throw err;
      this.recorder.start(facts, lease.env.id);
      return { ok: false, durationMs: 0, status: 'error', errorType: err.errorType, payload: err.payload };
    }
    const r = await lease.env.restore(source, { limitMs: RESTORE_LIMIT_MS, log: facts.log });
    if (!r.ok) throw r.status === 'timeout' ? new SnapStartTimeoutException() : new SnapStartException();
    facts.restore = { durationMs: r.durationMs, billedMs: r.billedMs };
    this.recorder.start(facts, lease.env.id);
    return undefined;
  }

  private answer(req: InvokeRequest, facts: InvocationFacts, lease: Lease, outcome: InvokeOutcome): InvokeResult {
    return {
      requestId: facts.requestId, payload: outcome.payload, functionError: outcome.functionError, errorType: outcome.errorType,
      executedVersion: req.fn.version, log: req.tail ? facts.log.tailBase64() : undefined, environmentId: lease.env.id, coldStart: facts.cold,
    };
  }
}

function streamedResult(body: ResponseBody, recorded: Promise<unknown>, log: LogBuffer | undefined): StreamedResult {
  return { body, log: () => recorded.then(() => log?.tailBase64()) };
}

/** `f` run in the event loop's check phase, after the I/O callbacks already due. */
function nextTurn<T>(f: () => T): Promise<T> {
  return new Promise((resolve) => setImmediate(() => resolve(f())));
}
