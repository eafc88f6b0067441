// Synchronous invocation: lease an environment, run INIT on a cold one (re-run inside the invoke
// when it fails, as Lambda does), hand over the event, answer the caller as soon as the runtime
// does, then write END/REPORT and return the environment once the runtime is back at /next.
import { randomUUID } from 'node:crypto';
import { LogBuffer } from '../environment/function-log.ts';
import type { InvokeReport } from '../environment/execution-environment.ts';
import type { FunctionVersion, InvokeResult } from '../model.ts';
import type { EnvironmentPool, Lease } from '../pool/environment-pool.ts';
import { billedDurationMs, endLine, reportLine, startLine } from './log-result.ts';

export interface InvokeRequest {
  fn: FunctionVersion;
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

  constructor(pool: EnvironmentPool, initLimitMs: number) {
    this.pool = pool;
    this.initLimitMs = initLimitMs;
  }

  async invoke(req: InvokeRequest): Promise<InvokeResult> {
    const requestId = randomUUID();
    const log = new LogBuffer();
    const { config, version } = req.fn;
    const lease = await this.pool.acquire(req.fn);
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
            this.finishLines(lease, requestId, report, log, initDurationMs);
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
        // Release first, and write END/REPORT (which reads /proc) only after an invoke waiting for
        // this environment has had its turn: bookkeeping stays off the next invoke's critical path.
        this.pool.release(lease);
        return new Promise<void>((resolve) => setImmediate(() => {
          this.finishLines(lease, requestId, r, log, initDurationMs);
          resolve();
        }));
      });
      if (req.tail) await finished;
      return {
        requestId, payload: outcome.payload, functionError: outcome.functionError, errorType: outcome.errorType,
        executedVersion: version, log: req.tail ? log.tailBase64() : undefined,
      };
    } catch (err) {
      this.pool.release(lease);
      throw err;
    }
  }

  private finishLines(lease: Lease, requestId: string, report: InvokeReport, log: LogBuffer, initDurationMs?: number): void {
    lease.env.platformLine(endLine(requestId), log);
    const maxMemoryMB = lease.env.measureMemoryMB();
    const memorySizeMB = lease.fn.config.memorySize;
    lease.env.platformLine(reportLine({ requestId, report, maxMemoryMB, memorySizeMB, initDurationMs }), log);
    lease.env.reportTelemetry(requestId, report, {
      billedDurationMs: billedDurationMs(report.durationMs, initDurationMs), memorySizeMB, maxMemoryUsedMB: maxMemoryMB, initDurationMs,
    });
  }
}
