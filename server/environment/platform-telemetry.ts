// The platform's Telemetry API records (reference §4) for one environment, shaped once here:
// INIT start/done/report, invoke start, runtimeDone, report, extension and log records.
import type { TelemetryHub } from '../../runtime-api/telemetry.ts';
import type { InitializationType } from './env-vars.ts';
import type { InvokeStatus, ReportMetrics, ReportSummary, ReportTelemetry } from './environment-types.ts';
import type { OutputSource } from './worker-process.ts';

const round = (ms: number): number => Math.round(ms * 1000) / 1000;
const withError = (errorType?: string): { errorType?: string } => (errorType ? { errorType } : {});

export interface InitPhase {
  initializationType: InitializationType;
  phase: 'init' | 'invoke';
}

export class PlatformTelemetry implements ReportTelemetry {
  readonly hub: TelemetryHub;

  constructor(hub: TelemetryHub) {
    this.hub = hub;
  }

  initStart(init: InitPhase, runtimeVersion: string, runtimeVersionArn: string): void {
    this.hub.emit('platform', 'platform.initStart', { ...init, runtimeVersion, runtimeVersionArn });
  }

  /** initRuntimeDone + initReport; on success INIT's subscriptions close and its backlog is dropped. */
  initDone(init: InitPhase, status: 'success' | 'error' | 'timeout', durationMs: number, errorType?: string): void {
    const record = { ...init, status, ...withError(errorType) };
    this.hub.emit('platform', 'platform.initRuntimeDone', record);
    this.hub.emit('platform', 'platform.initReport', { ...record, metrics: { durationMs: round(durationMs) } });
    if (status === 'success') this.hub.initDone();
  }

  /** SnapStart: platform.restoreStart, as an environment is resumed from the snapshot. */
  restoreStart(functionName: string, functionVersion: string, runtimeVersion: string, runtimeVersionArn: string): void {
    this.hub.emit('platform', 'platform.restoreStart', { runtimeVersion, runtimeVersionArn, functionName, functionVersion });
  }

  /** SnapStart: platform.restoreRuntimeDone + platform.restoreReport (after-restore hooks done, or failed). */
  restoreDone(status: 'success' | 'error' | 'timeout', durationMs: number, errorType?: string): void {
    const record = { status, ...withError(errorType) };
    this.hub.emit('platform', 'platform.restoreRuntimeDone', record);
    this.hub.emit('platform', 'platform.restoreReport', { ...record, metrics: { durationMs: round(durationMs) } });
    if (status === 'success') this.hub.initDone();
  }

  // The three records of every invoke are built only when they go somewhere (a subscriber, INIT's backlog).
  start(requestId: string, version: string, traceId?: string): void {
    if (!this.hub.listening) return;
    this.hub.emit('platform', 'platform.start', {
      requestId, version, ...(traceId ? { tracing: { type: 'X-Amzn-Trace-Id', value: traceId } } : {}),
    });
  }

  runtimeDone(requestId: string, status: InvokeStatus, durationMs: number, producedBytes: number, errorType?: string): void {
    if (!this.hub.listening) return;
    this.hub.emit('platform', 'platform.runtimeDone', {
      requestId, status, ...withError(errorType), metrics: { durationMs: round(durationMs), producedBytes },
    });
  }

  /** platform.report, with the same figures as the REPORT line. */
  report(requestId: string, report: ReportSummary, metrics: ReportMetrics): void {
    if (!this.hub.listening) return;
    const { initDurationMs, restoreDurationMs, ...rest } = metrics;
    this.hub.emit('platform', 'platform.report', {
      requestId, status: report.status, ...withError(report.errorType),
      metrics: { durationMs: round(report.durationMs), ...rest, ...(initDurationMs !== undefined ? { initDurationMs: round(initDurationMs) } : {}),
        ...(restoreDurationMs !== undefined ? { restoreDurationMs: round(restoreDurationMs) } : {}) },
    });
  }

  extension(name: string, events: string[]): void {
    this.hub.emit('platform', 'platform.extension', { name, state: 'Ready', events });
  }

  log(source: OutputSource, line: string): void {
    const category = source === 'extension' ? 'extension' : 'function';
    this.hub.emit(category, category, line);
  }
}
