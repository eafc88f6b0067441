// Synchronous invocation: lease an environment, run INIT on a cold one (re-run inside the invoke
// when it fails, as Lambda does), hand over the event, answer the caller as soon as the runtime
// does, then write END/REPORT and return the environment once the runtime is back at /next.
import { randomUUID } from 'node:crypto';
import { LogBuffer } from '../environment/function-log.ts';
import type { InvokeReport } from '../environment/execution-environment.ts';
import type { FunctionVersion, InvokeResult, LeakMode } from '../model.ts';
import type { EnvironmentPool, Lease } from '../pool/environment-pool.ts';
import type { HandleLeak } from '../../runtime-api/host.ts';
import type { Metrics } from '../metrics.ts';
import type { InvocationHistory } from '../events/invocation-history.ts';
import { TooManyRequestsException } from '../errors.ts';
import { platformPayload } from '../environment/platform-errors.ts';
import { billedDurationMs, endLine, leakLine, reportLine, startLine } from './log-result.ts';

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
}

export class InvocationService {
  private readonly pool: EnvironmentPool;
  private readonly initLimitMs: number;
  private readonly leakMode: LeakMode;
  private readonly metrics: Metrics;
  private readonly history: InvocationHistory | undefined;

  constructor(pool: EnvironmentPool, opts: { initLimitMs: number; leakMode: LeakMode; metrics: Metrics; history?: InvocationHistory }) {
    this.pool = pool;
    this.initLimitMs = opts.initLimitMs;
    this.leakMode = opts.leakMode;
    this.metrics = opts.metrics;
    this.history = opts.history;
  }

  async invoke(req: InvokeRequest): Promise<InvokeResult> {
    const requestId = req.requestId ?? randomUUID();
    const startedAt = Date.now();
    const log = new LogBuffer();
    const { config, version } = req.fn;
    const counters = this.metrics.of(config.name);
    counters.invocations++;
    let lease: Lease;
    try {
      lease = await this.pool.acquire(req.fn);
    } catch (err) {
      if (err instanceof TooManyRequestsException) counters.throttles++;
      throw err;
    }
    if (lease.cold) counters.coldStarts++;
    let initDurationMs: number | undefined;
    let started = false;
    try {
      if (lease.cold) {
        const first = await lease.env.init({ type: 'on-demand', phase: 'init', limitMs: this.initLimitMs, log });
        initDurationMs = first.durationMs;
        if (!first.ok) {
          // Suppressed init: Lambda re-runs INIT inside the invoke, under the function's timeout.
          lease.env.platformLine(startLine(requestId, version), log);
          started = true;
          await this.pool.replace(lease, 'init failed; retrying inside the invoke');
          const again = await lease.env.init({
            type: 'on-demand', phase: 'invoke', limitMs: config.timeout * 1000, log, requestId,
          });
          initDurationMs = again.durationMs;
          if (!again.ok) {
            const report: InvokeReport = {
              durationMs: again.durationMs, status: again.status === 'timeout' ? 'timeout' : 'failure', errorType: again.errorType,
            };
            this.finishLines(lease, requestId, report, log, startedAt, initDurationMs);
            this.pool.release(lease);
            return { requestId, payload: again.payload, functionError: 'Unhandled', errorType: again.errorType, executedVersion: version, log: req.tail ? log.tailBase64() : undefined };
          }
        }
      }
      if (!started) lease.env.platformLine(startLine(requestId, version), log);
      const { response, report } = lease.env.invoke({
        requestId, payload: req.payload, invokedFunctionArn: req.invokedArn, timeoutMs: config.timeout * 1000,
        traceId: req.traceId, clientContext: req.clientContext, log,
      });
      const outcome = await response;
      const finished = report.then((r) => {
        // Release first, and write END/LEAK/REPORT (which read /proc) only after an invoke waiting for
        // this environment has had its turn: bookkeeping stays off the next invoke's critical path.
        this.pool.release(lease);
        return new Promise<HandleLeak[]>((resolve) => setImmediate(() => resolve(this.finishLines(lease, requestId, r, log, startedAt, initDurationMs))));
      });
      if (outcome.functionError) counters.errors++;
      if (outcome.errorType === 'Sandbox.Timedout') counters.timeouts++;
      // --leaks error: the answer waits for the leak report, and a leak fails the invocation.
      const leaks = req.tail || this.leakMode === 'error' ? await finished : [];
      if (this.leakMode === 'error' && leaks.length > 0 && !outcome.functionError) {
        const summary = leaks.map((l) => `${l.kind}${l.createdAt ? ` at ${l.createdAt}` : ''}`).join(', ');
        return {
          requestId, executedVersion: version, functionError: 'Unhandled', errorType: 'Ephemera.LeakDetected',
          payload: platformPayload('Ephemera.LeakDetected', `RequestId: ${requestId} Error: the invocation left work running (--leaks error): ${summary}`),
          log: req.tail ? log.tailBase64() : undefined,
        };
      }
      return {
        requestId, payload: outcome.payload, functionError: outcome.functionError, errorType: outcome.errorType,
        executedVersion: version, log: req.tail ? log.tailBase64() : undefined,
      };
    } catch (err) {
      this.pool.release(lease);
      throw err;
    }
  }

  /** END, LEAK (when something was left running) and REPORT; returns the leaks. */
  private finishLines(lease: Lease, requestId: string, report: InvokeReport, log: LogBuffer, startedAt: number, initDurationMs?: number): HandleLeak[] {
    lease.env.platformLine(endLine(requestId), log);
    const { maxMemoryMB, processLeaks } = lease.env.afterInvoke(requestId);
    const leaks = this.leakMode === 'off' ? [] : [...(report.handleLeaks ?? []), ...processLeaks];
    lease.env.lastLeaks = leaks;
    if (leaks.length > 0) {
      lease.env.platformLine(leakLine(requestId, leaks), log);
      this.metrics.leaks(lease.fn.config.name, leaks);
    }
    const memorySizeMB = lease.fn.config.memorySize;
    lease.env.platformLine(reportLine({ requestId, report, maxMemoryMB, memorySizeMB, initDurationMs }), log);
    lease.env.reportTelemetry(requestId, report, {
      billedDurationMs: billedDurationMs(report.durationMs, initDurationMs), memorySizeMB, maxMemoryUsedMB: maxMemoryMB, initDurationMs,
    });
    this.history?.add({
      requestId, function: lease.fn.config.name, version: lease.fn.version, environment: lease.env.id, cold: lease.cold,
      status: report.status, errorType: report.errorType, startedAt, endedAt: Date.now(), durationMs: report.durationMs,
      initDurationMs, maxMemoryUsedMB: maxMemoryMB, leaks, log,
    });
    return leaks;
  }
}
